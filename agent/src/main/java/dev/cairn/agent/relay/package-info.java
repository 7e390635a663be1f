/**
 * The relay, the agent's default mode: the local Prometheus remote-writes to it on loopback; it
 * acknowledges (204) only what is fsynced on its disk queue, and forwards the queue to the
 * appliance with Prometheus's {@code queue_config} semantics.
 *
 * <pre>
 * Prometheus ──RW 1.0/2.0──► RelayServer ─► FastWriteHandler ─► DiskQueue (tsdb.wal, BATCH fsync) ─► 204
 *                                   (the rest) └► storeapi RemoteWriteHandler ─┘
 *                                               │ LiveReader
 *                                               ▼
 *                            Forwarder: dispatcher ─► Shard × n ─► Downstream (appliance)
 *                                       maintenance: commit position, truncate, disk budget, reshard
 * </pre>
 *
 * <p>{@link dev.cairn.agent.relay.FastWriteHandler} takes what Prometheus usually sends (1.0, all
 * series valid) and copies its label bytes into the queue record as they are; anything else goes
 * through the storeapi decoder, which answers it as any Cairn receiver does.
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
 *   <li>Disk full: a failed write or fsync of the queue makes it answer 500 (Prometheus keeps the
 *       data and retries), log at ERROR and set {@code cairn_relay_queue_writable 0}; once the file
 *       system has room again the queue reopens by itself (see {@link dev.cairn.agent.relay.DiskQueue}).
 *   <li>{@code Retry-After} on a 429 or 503 replaces the back-off for that retry (at most 5 minutes).
 * </ul>
 *
 * <h2>Known limits</h2>
 * <ul>
 *   <li>The disk budget is checked every 200 ms, so the queue may overshoot it by what arrives in
 *       that time before the oldest segments go.
 * </ul>
 */
package dev.cairn.agent.relay;
