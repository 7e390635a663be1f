/**
 * The relay, the agent's default mode: the local Prometheus remote-writes to it on loopback; it
 * acknowledges (204) only what is fsynced on its disk queue, and forwards the queue to the
 * appliance with Prometheus's {@code queue_config} semantics.
 *
 * <pre>
 * Prometheus ──RW 1.0/2.0──► RelayServer ─► DiskQueue (tsdb.wal, BATCH fsync) ─► 204
 *                                               │ LiveReader
 *                                               ▼
 *                            Forwarder: dispatcher ─► Shard × n ─► Downstream (appliance)
 *                                       maintenance: commit position, truncate, disk budget, reshard
 * </pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>At least once: a sample answered 204 reaches the downstream at least once, across
 *       restarts, SIGKILL and downstream outages of any length within the disk budget.
 *   <li>Duplicates after a crash are harmless: the queue is re-sent from the last position the
 *       downstream acknowledged, so samples sent after it go again. A Prometheus-compatible
 *       receiver takes a sample identical in series, timestamp and value to one it holds as a
 *       no-op; only a different value at the same timestamp is refused, and the queue never
 *       changes a value.
 *   <li>The disk budget ({@code max_queue_bytes}) is the one exception, and a loud one: the oldest
 *       segments are dropped, counted in {@code cairn_relay_samples_dropped_total{reason="disk_budget"}}
 *       and logged at WARNING; the relay keeps accepting.
 *   <li>Downstream 4xx (but 429) means the data can never be taken: dropped, counted
 *       ({@code reason="rejected"}), logged with the receiver's reason, not retried.
 * </ul>
 *
 * <h2>Known limits</h2>
 * <ul>
 *   <li>A failed write or fsync of the queue (disk full) fails its WAL for good, as {@code tsdb.wal}
 *       does: the relay then answers 500 (Prometheus keeps the data and retries) until restarted.
 *   <li>The disk budget is checked every 200 ms, so the queue may overshoot it by what arrives in
 *       that time before the oldest segments go.
 *   <li>{@code Retry-After} on 429/503 is not honoured; the exponential back-off applies.
 * </ul>
 */
package dev.cairn.agent.relay;
