package dev.cairn.appliance.promql.parser;

/**
 * A parsed PromQL expression: an immutable tree. {@link #toString()} gives Prometheus's canonical
 * text (what its {@code String()} methods print), which parses back to an equal tree.
 */
public sealed interface Expr
        permits NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr, BinaryExpr,
                AggregateExpr, Call, ParenExpr, UnaryExpr {

    /** What the expression evaluates to, derived from its shape as Prometheus derives it. */
    ValueType type();

    /** Where the expression sits in the query it was parsed from (byte offsets). */
    PositionRange positionRange();
}
