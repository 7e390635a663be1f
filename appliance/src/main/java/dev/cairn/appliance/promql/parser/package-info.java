/**
 * PromQL text to a checked expression tree and back, compatible with Prometheus 2.42–2.53.
 *
 * <p>{@link dev.cairn.appliance.promql.parser.Parser#parse} gives an immutable tree of
 * {@link dev.cairn.appliance.promql.parser.Expr} records, or a
 * {@link dev.cairn.appliance.promql.parser.ParseException} whose message is the one Prometheus
 * 2.42 gives for the same query, position included. {@link dev.cairn.appliance.promql.parser.Printer}
 * prints a tree as Prometheus's {@code String()} and {@code /api/v1/format_query} do. Both are
 * checked against the real Prometheus binary by {@code LivePrometheusComparisonTest}.
 *
 * <p>Left out: the series-description syntax of Prometheus's test language, and the experimental
 * functions of 2.53 (they are unknown functions, as in 2.42).
 */
package dev.cairn.appliance.promql.parser;
