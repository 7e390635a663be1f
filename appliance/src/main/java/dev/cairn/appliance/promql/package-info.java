/**
 * The PromQL engine: {@link dev.cairn.appliance.promql.Engine} evaluates instant and range queries over
 * a {@link dev.cairn.appliance.promql.QuerierFactory} with the semantics of Prometheus 2.x (checked
 * against Debian's Prometheus 2.42 by the tests), returning {@link dev.cairn.appliance.promql.Value}s
 * or throwing {@link dev.cairn.appliance.promql.PromqlException} with the API's error type.
 *
 * <p>Doors: Engine, EngineOptions, QuerierFactory, QueryResult, the value records (Scalar,
 * StringValue, Vector/Sample, Matrix/Series) and PromqlException. Everything else is package-private
 * machinery: Evaluator (AST walk, step matrices, selectors, subqueries), BinaryOps, Aggregations,
 * InstantFunctions, RangeFunctions. The engine depends only on tsdb.storage, tsdb.labels,
 * tsdb.chunk.ChunkIterator and the parser subpackage (ArchitectureTest enforces this).
 *
 * <p>Not implemented: native histograms (histogram_count/sum/fraction give no output for float
 * samples, as in Prometheus), the experimental functions of 2.53, query statistics and warnings from
 * storage.
 */
package dev.cairn.appliance.promql;
