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
 *   <li>{@link dev.cairn.agent.sidecar.ApplianceBucket}: the shipper's bucket when blocks go through the
 *       appliance ({@code PUT /api/v1/agents/blocks/...}), so the VM needs no bucket credentials.</li>
 * </ul>
 * The appliance finds the StoreAPI through the agent's heartbeat ({@code dev.cairn.agent.report}).
 *
 * <p>Known limits: a select's answer is held in memory (as chunks) before it streams out; external
 * labels are read once at start; the StoreAPI is plaintext when started by the agent (the appliance
 * dials it without a client certificate until the agents' PKI is wired in).
 */
package dev.cairn.agent.sidecar;
