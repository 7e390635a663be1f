/**
 * Sidecar mode of the agent: what a Thanos sidecar does beside a Prometheus.
 *
 * <ul>
 *   <li>{@link dev.cairn.agent.sidecar.Sidecar}: a StoreAPI over the Prometheus's remote read
 *       (STREAMED_XOR_CHUNKS), with the Prometheus's external labels (required: it refuses to start
 *       without them and says how to add them).</li>
 *   <li>{@link dev.cairn.agent.sidecar.ShipperRunner}: uploads the Prometheus's 2h blocks to a bucket
 *       with {@code tsdb.ship.Shipper} (refused when Prometheus compacts locally).</li>
 *   <li>{@link dev.cairn.agent.sidecar.PrometheusApi}: the status endpoints both read.</li>
 * </ul>
 *
 * <p>Known limits: a select's answer is held in memory (as chunks) before it streams out; external
 * labels are read once at start; uploads go straight to the bucket, not yet through the appliance.
 */
package dev.cairn.agent.sidecar;
