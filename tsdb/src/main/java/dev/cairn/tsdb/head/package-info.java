/**
 * The head: the in-memory, appendable newest part of a TSDB, as Prometheus's {@code tsdb/head*.go}.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link dev.cairn.tsdb.head.Head} owns everything and applies Prometheus's acceptance rules
 *       (out of order, duplicate, out of bounds: {@link dev.cairn.tsdb.head.AppendResult});</li>
 *   <li>{@link dev.cairn.tsdb.head.HeadAppender} batches samples and commits them, WAL first;</li>
 *   <li>{@code MemSeries} is one series' open XOR chunk (it extends
 *       {@link dev.cairn.tsdb.chunk.XorEncoder}, one object per series) and holds references to its
 *       completed chunks, cut as Prometheus 2.42 cuts them (120 samples,
 *       never across a chunk-range boundary);</li>
 *   <li>{@code HeadChunkFiles} keeps completed chunks on disk in {@code <db>/chunks_head/}, in
 *       Prometheus's head-chunk file format, read back through memory maps; a restart after a crash
 *       attaches them to their series and skips the WAL samples they hold (an in-memory head keeps
 *       them on the heap, {@code HeapChunkStore});</li>
 *   <li>{@code StripeSeries} maps label hash → series (striped, open addressing) and id → series
 *       (paged array); {@link dev.cairn.tsdb.index.MemPostings} maps labels → ids for matchers;</li>
 *   <li>{@link dev.cairn.tsdb.head.HeadQuerier} reads committed samples as a snapshot;</li>
 *   <li>{@code HeadSnapshot} writes the head to one checksummed file on clean close so the next
 *       start loads it and replays only the WAL after it ({@link dev.cairn.tsdb.head.HeadRestore}
 *       says which path a start took; a damaged snapshot falls back to the whole WAL);</li>
 *   <li>{@code WalReplay} rebuilds a head from its WAL, {@code WalTruncation} checkpoints it, and
 *       {@link dev.cairn.tsdb.head.HeadBlockWriter} persists a time range as a block.</li>
 * </ul>
 *
 * <h2>What an acknowledged commit survives</h2>
 * {@link dev.cairn.tsdb.head.HeadAppender#commit()} returns after one {@code Wal.log} call holding
 * the batch's series and samples records, so the promise is the WAL's
 * {@link dev.cairn.tsdb.wal.SyncPolicy}:
 * <table>
 *   <caption>durability per fsync policy</caption>
 *   <tr><th>policy</th><th>process killed (SIGKILL, OOM)</th><th>machine loses power / kernel panic</th></tr>
 *   <tr><td>ALWAYS</td><td>kept</td><td>kept (fsync per commit)</td></tr>
 *   <tr><td>BATCH (default)</td><td>kept</td><td>kept (group fsync shared by concurrent commits)</td></tr>
 *   <tr><td>INTERVAL</td><td>kept</td><td>up to one sync interval of commits may be lost</td></tr>
 *   <tr><td>NONE</td><td>kept</td><td>commits since the last segment rollover may be lost</td></tr>
 * </table>
 * A batch is all or nothing on replay (one samples record). A commit that threw was not
 * acknowledged and may or may not come back after a restart. {@code DbCrashTest} kills a writer
 * with SIGKILL under ALWAYS and BATCH and checks every acknowledged batch is back exactly once;
 * power loss is not tested here (it needs a disk that lies or a VM).
 *
 * <h2>Benchmark</h2>
 * {@code HeadBench} (ingest, memory) and {@code RestartBench} (restart) in the test sources; the
 * commands are in their Javadoc.
 */
package dev.cairn.tsdb.head;
