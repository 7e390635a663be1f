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
 *   <li>{@code HeadSnapshot} writes the head to one checksummed file — on clean close, and
 *       periodically while appends go on ({@link dev.cairn.tsdb.head.Head#snapshot()}) — so a start
 *       loads it and replays only the WAL after it ({@link dev.cairn.tsdb.head.HeadRestore} says
 *       which path a start took; a damaged snapshot falls back to the whole WAL);</li>
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
 * <h2>What a start costs</h2>
 * A start reads the chunk headers in {@code chunks_head/} (on a thread of its own), loads the newest
 * head snapshot meanwhile and replays the WAL segments written after it; without a usable snapshot
 * it replays the checkpoint and every segment, skipping the samples that full chunks on disk already
 * hold. The snapshot (version 3) holds each distinct label string once, in a table the load reads
 * first; its sections are mapped and decoded on every core, and the decoding threads also attach
 * each series' full chunks (waiting for the chunk scan if it is not done) and put it in the series
 * map, while the loading thread adds the postings in id order. After a clean stop at a million
 * series (2,000,000 full chunks, a 212 MB snapshot) that is about 2 s of {@code Head.open} on two
 * cores, the scan (0.4 s) hidden behind the load; after SIGKILL, plus the replay of what the WAL
 * holds since the last periodic snapshot. A version 2 snapshot (labels as strings in each entry)
 * still loads. {@code Db} writes a snapshot
 * every {@code DbOptions.snapshotInterval()} (5 minutes), sooner once a WAL segment (128 MiB) was
 * filled since the last one and soon after a block cut, so after SIGKILL the replay covers at most
 * about one interval or one segment of WAL, not the whole head. Writing one starts a new WAL segment
 * (after the commits in flight have applied, so the snapshot holds everything before it; commits
 * wait only for that rollover), then writes each series under its own lock while appends go on;
 * samples committed meanwhile may be both in it and after it in the WAL, and the replay drops the
 * repeats as it drops any sample not newer than its series' newest. The snapshot names full chunks
 * by their place in {@code chunks_head/}; they are flushed and synced before the snapshot is renamed
 * into place. A kill while a snapshot is written leaves its {@code .tmp}, deleted at the next start,
 * which uses the previous snapshot. A snapshot that is damaged, of a version this Cairn does not
 * read (1, or newer than 3), names a chunk the files no longer
 * hold, or is older than the WAL checkpoint is logged at WARNING, deleted, and the start replays the
 * whole WAL: a snapshot only ever speeds a start up, the WAL alone decides what is kept.
 * {@code DbCrashTest} kills a writer that snapshots every few milliseconds and checks every
 * acknowledged batch comes back exactly once.
 *
 * <h2>Benchmark</h2>
 * {@code HeadBench} (ingest, memory) and {@code RestartBench} (restart) in the test sources; the
 * commands are in their Javadoc. {@code tsdb/src/test/bench/restart-vs-prometheus.py} runs restarts
 * of Cairn and Prometheus 2.42 interleaved on one {@code promtool tsdb bench write} data set, after
 * SIGKILL with and without a periodic snapshot and after a clean stop.
 */
package dev.cairn.tsdb.head;
