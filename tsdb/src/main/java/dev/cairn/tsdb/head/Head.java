package dev.cairn.tsdb.head;

import dev.cairn.tsdb.index.MemPostings;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;
import dev.cairn.tsdb.wal.Wal;
import dev.cairn.tsdb.wal.WalOptions;

import java.io.Closeable;
import java.io.IOException;
import dev.cairn.tsdb.fs.Disk;
import dev.cairn.tsdb.wal.Checkpoint;
import dev.cairn.tsdb.wal.Segments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory, appendable part of a TSDB (Prometheus's Head): the newest samples of every active
 * series, in open and completed XOR chunks, indexed by label in a {@link MemPostings}, made durable
 * by a write-ahead log, until a block is cut from them and they are {@linkplain #truncate dropped}.
 *
 * <h2>Which samples are taken</h2>
 * Prometheus's rules, per series and per head, without wall-clock time:
 * <ul>
 *   <li>a sample older than {@link #appendableMinValidTime()} — the head's max time minus half the
 *       chunk range, or the end of the last block cut, whichever is later — is
 *       {@link AppendResult#OUT_OF_BOUNDS}; an empty head takes any timestamp;</li>
 *   <li>a sample older than its series' newest is {@link AppendResult#OUT_OF_ORDER};</li>
 *   <li>one at the same timestamp is ignored when its value has the same bits, else
 *       {@link AppendResult#DUPLICATE};</li>
 *   <li>NaN values, the stale marker {@code 0x7ff0000000000002} among them, are kept bit for bit.</li>
 * </ul>
 *
 * <h2>Durability</h2>
 * {@link HeadAppender#commit()} logs a series record for each series it created and one samples
 * record, in one {@link Wal#log} call, and applies the samples only after that call returns. What a
 * returned commit survives is what the WAL's {@link dev.cairn.tsdb.wal.SyncPolicy} promises:
 * ALWAYS and BATCH — a crash of the process or of the machine; INTERVAL — a crash of the process,
 * and of the machine except for up to one sync interval; NONE — a crash of the process only. A
 * commit that threw may or may not be on disk (a replay may bring it back).
 * {@link #open} replays the checkpoint and segments (a torn tail of the last segment, left by a
 * crash mid-write, ends the replay quietly) before it accepts appends.
 *
 * <h2>Concurrency</h2>
 * Appenders run concurrently; each series is guarded by its own monitor, the series map by stripes
 * ({@link StripeSeries}). Two appenders committing to one series at once are ordered by who applies
 * first, not by who logged first, so a replay can accept a sample the live head rejected as out of
 * order (as in Prometheus). Queries see committed samples only.
 */
public final class Head implements Closeable {
    private static final System.Logger LOG = System.getLogger(Head.class.getName());

    final HeadOptions options;
    final HeadStats stats = new HeadStats();
    final StripeSeries series;
    final MemPostings postings = new MemPostings();
    /**
     * Label strings shared by the head's series. Replaced by a table of the live series' strings
     * once enough series were removed (see {@link #rebuildSymbolsIfWorthIt}): interned strings are
     * never dropped one by one, so with label churn (instances replaced, short-lived jobs) a table
     * kept for the process's life would hold every string any series ever had.
     */
    volatile SymbolTable symbols = new SymbolTable();
    /** Series removed since the symbol table was last rebuilt. Guarded by snapshotLock (truncation). */
    private long removedSinceSymbolRebuild;
    private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);
    /** No sample older than this is taken: the end of the last block cut from (or before) this head. */
    private volatile long minValidTime = Long.MIN_VALUE;
    /** Set once by {@link #open} after the replay, before the head is handed out. */
    private volatile Wal wal;
    private final WalOptions walOptions;
    private volatile HeadRestore restore;
    /** Whether {@link #close} writes a snapshot for the next start (set by {@link #open}). */
    private boolean snapshotOnClose = true;
    /** Commits vs the WAL rollover of a snapshot taken while appending ({@link #snapshot}). */
    final CommitGate commitGate = new CommitGate();
    /** One snapshot, truncation or close at a time: each deletes or writes snapshots and WAL segments. */
    private final Object snapshotLock = new Object();

    /** Where full chunks go: {@link #chunkFiles} for a head with a WAL, the heap otherwise. */
    final ChunkStore chunks;
    /** {@code chunks_head/} beside the WAL; null for an in-memory head. */
    private final HeadChunkFiles chunkFiles;
    /** The chunks found in {@code chunks_head/}, while {@link #open} restores; null after. */
    MmappedChunks mmapped;
    private long mmappedAttached;

    private Head(HeadOptions options, WalOptions walOptions, HeadChunkFiles chunkFiles) {
        this.options = options;
        this.series = new StripeSeries(options.stripes());
        this.walOptions = walOptions;
        this.chunkFiles = chunkFiles;
        this.chunks = chunkFiles != null ? chunkFiles : new HeapChunkStore();
    }

    /** A head without a WAL: nothing survives the process. For tests, benchmarks and scratch use. */
    public static Head inMemory(HeadOptions options) {
        return new Head(options, null, null);
    }

    /**
     * Opens the head whose WAL is {@code walDir} (created if missing): reads the full chunks in
     * {@code chunks_head/} beside it ({@link HeadChunkFiles}, repairing a damaged tail), then loads
     * the head snapshot if there is a usable one, else replays the WAL's checkpoint and segments;
     * a series gets its chunks from disk and the replay skips the WAL samples they hold. Samples
     * before {@code minValidTime} (the end of the newest block already on disk;
     * {@code Long.MIN_VALUE} when there is none) are ignored. Then opens the WAL for appending
     * (which cuts a torn tail off the last segment and starts a new one).
     *
     * @throws dev.cairn.tsdb.encoding.CorruptionException if the WAL is damaged other than by a torn tail
     */
    public static Head open(Path walDir, HeadOptions options, WalOptions walOptions, long minValidTime)
            throws IOException {
        long start = System.nanoTime();
        Head h = null;
        HeadSnapshot.Loaded loaded = null;
        HeadSnapshot.Ref ref = null;
        String failure = null;
        List<HeadSnapshot.Ref> snaps = HeadSnapshot.list(walDir);
        Path chunksDir = walDir.toAbsolutePath().resolveSibling(HeadChunkFiles.DIR);
        if (!Files.isDirectory(walDir) && snaps.isEmpty() && Files.isDirectory(chunksDir)) {
            // the series references in the chunk files mean nothing without the WAL that named them
            LOG.log(System.Logger.Level.WARNING, "Deleting head chunks {0}: there is no WAL {1} to go with them",
                    chunksDir, walDir);
            dev.cairn.tsdb.block.DurableFiles.deleteRecursively(chunksDir);
        }
        // the chunk headers in chunks_head are read on a thread of their own while the snapshot loads:
        // only attaching chunks to the loaded series needs them (and a WAL replay, which waits).
        // A repair of chunks_head (a torn tail after a crash) does not rule out the snapshot: the
        // load checks every full chunk it names against what the files still hold, and falls back
        // if one is gone
        HeadChunkFiles files = HeadChunkFiles.create(chunksDir, options.chunkWriteBuffer());
        ChunkScan scan = new ChunkScan(files);
        if (!snaps.isEmpty()) {
            ref = snaps.get(snaps.size() - 1);
            Checkpoint.Ref cp = Files.isDirectory(walDir) ? Checkpoint.last(Disk.local(), walDir) : null;
            int[] segs = Files.isDirectory(walDir) ? Segments.list(Disk.local(), walDir) : new int[0];
            if (cp != null && cp.index() > ref.walSegment()) {
                failure = "WAL checkpoint " + cp.index() + " is newer than the snapshot's segment " + ref.walSegment();
            } else if (segs.length > 0 && segs[0] > ref.walSegment() + 1) {
                failure = "WAL segments after " + ref.walSegment() + " up to " + segs[0] + " are missing";
            } else {
                h = new Head(options, walOptions, files);
                h.minValidTime = minValidTime;
                try {
                    loaded = HeadSnapshot.load(h, ref, Runtime.getRuntime().availableProcessors(),
                            () -> scan.await().chunks());
                } catch (IOException | RuntimeException e) {
                    failure = e.getMessage();
                    h = null;
                }
            }
        }
        long snapshotLoaded = System.nanoTime();
        // a scan that failed fails the start before the snapshot is thrown away for it
        HeadChunkFiles.Opened oc = scan.await();
        if (failure != null) {
            LOG.log(System.Logger.Level.WARNING, "Cannot use head snapshot {0} ({1}); replaying the whole WAL {2} instead",
                    ref.file(), failure, walDir);
            // gone before anything is appended: new full chunks may take the places in chunks_head
            // it names, and a later start must not take them for its own
            HeadSnapshot.deleteAll(walDir);
        }
        long scanned = System.nanoTime();
        WalReplay.Stats st;
        if (h == null) {
            h = new Head(options, walOptions, files);
            h.minValidTime = minValidTime;
            h.mmapped = oc.chunks();
            st = WalReplay.replay(h, walDir);
        } else {
            h.mmapped = oc.chunks();
            st = WalReplay.replay(h, walDir, loaded.walSegment());
        }
        long walReplayed = System.nanoTime();
        Head head = h;
        // series restored with chunks from disk and no sample after them: their last value is in the chunk
        // (in id order: the series were allocated in that order, so memory is read in sequence)
        h.series.forEachById(s -> {
            synchronized (s) {
                s.resolveLastValue(head.chunks);
            }
        });
        // a series reference in the chunk files is never handed to a new series, even if the WAL forgot it
        h.series.reserveIdsBelow(oc.chunks().maxSeriesRef() + 1);
        h.mmapped = null;
        h.wal = Wal.open(walDir, walOptions);
        h.restore = new HeadRestore(loaded == null ? null : ref.file(), loaded == null ? 0 : loaded.series(), failure,
                st.records(), st.samples(), (System.nanoTime() - start) / 1_000_000, h.mmappedAttached, oc.repaired());
        LOG.log(System.Logger.Level.INFO, "Opened head {0} in {1} ms: {2} full chunks of {3} from {4}, {5}{6}"
                        + " (chunks_head scan {7} ms on its own thread, snapshot {8} ms, then waited {9} ms for the"
                        + " scan, WAL {10} ms)", walDir,
                h.restore.millis(), h.mmappedAttached, oc.chunks().size(), chunksDir,
                loaded == null ? "" : "snapshot " + ref.file().getFileName() + " (version " + loaded.version() + ") with "
                        + loaded.series() + " series, then ",
                "WAL " + st + ", " + h.mmappedAfterSnapshot + " full chunks cut after the snapshot",
                scan.millis(), (snapshotLoaded - start) / 1_000_000, (scanned - snapshotLoaded) / 1_000_000,
                (walReplayed - scanned) / 1_000_000);
        return h;
    }

    /** The scan of {@code chunks_head/} ({@link HeadChunkFiles#scan}), run on a thread of its own. */
    private static final class ChunkScan {
        private final FutureTask<HeadChunkFiles.Opened> task;
        private volatile long millis;

        ChunkScan(HeadChunkFiles files) {
            task = new FutureTask<>(() -> {
                long t0 = System.nanoTime();
                try {
                    return files.scan();
                } finally {
                    millis = (System.nanoTime() - t0) / 1_000_000;
                }
            });
            Thread t = new Thread(task, "cairn-chunks-head-scan");
            t.setDaemon(true);
            t.start();
        }

        HeadChunkFiles.Opened await() throws IOException {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + HeadChunkFiles.DIR, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException("reading " + HeadChunkFiles.DIR + " failed", e.getCause());
            }
        }

        long millis() {
            return millis;
        }
    }

    /**
     * Gives a series created while restoring its chunks from {@code chunks_head/}, if any. Called
     * once per series, before samples are applied to it.
     *
     * @return the max time of the chunks attached (WAL samples up to it are in them), or
     *         Long.MIN_VALUE when none were
     */
    long attachMmapped(MemSeries s) {
        MmappedChunks m = mmapped;
        if (m == null) {
            return Long.MIN_VALUE;
        }
        int first = m.first(s.id);
        if (first < 0) {
            return Long.MIN_VALUE;
        }
        int n;
        long mint;
        long maxt;
        synchronized (s) {
            n = s.attachMmapped(m, first, minValidTime);
            mint = s.minTime();
            maxt = s.maxTime();
        }
        if (n > 0) {
            synchronized (this) {
                mmappedAttached += n;
            }
            restoreTimes(mint, maxt);
            return maxt;
        }
        return Long.MIN_VALUE;
    }

    /** Counts chunks a snapshot restored from {@code chunks_head/}. */
    synchronized void countMmapped(long n) {
        mmappedAttached += n;
    }

    /** Of those, the chunks cut after the snapshot was written (the WAL replay skips their samples). */
    synchronized void countMmappedAfterSnapshot(long n) {
        mmappedAfterSnapshot += n;
    }

    private long mmappedAfterSnapshot;

    /** How {@link #open} rebuilt this head; null for an in-memory head. */
    public HeadRestore restore() {
        return restore;
    }

    void restoreTimes(long mint, long maxt) {
        if (mint != Long.MAX_VALUE && mint < minValidTime) {
            // the snapshot's chunks before the newest block were dropped when loading it
            mint = minValidTime;
        }
        minTime.accumulateAndGet(mint, Math::min);
        maxTime.accumulateAndGet(maxt, Math::max);
    }

    public HeadOptions options() {
        return options;
    }

    public HeadStats stats() {
        return stats;
    }

    /** A new appender; one thread at a time uses it, and it may be reused after commit or rollback. */
    public HeadAppender appender() {
        return new HeadAppender(this);
    }

    /** Reads committed samples in [mint, maxt]. */
    public HeadQuerier querier(long mint, long maxt) {
        return new HeadQuerier(this, mint, maxt);
    }

    /** Oldest timestamp in the head, Long.MAX_VALUE while it is empty. */
    public long minTime() {
        return minTime.get();
    }

    /** Newest timestamp in the head, Long.MIN_VALUE while it is empty. */
    public long maxTime() {
        return maxTime.get();
    }

    /** Whether the head has taken a sample (or was truncated, which fixes its start). */
    public boolean initialized() {
        return minTime.get() != Long.MAX_VALUE;
    }

    public int numSeries() {
        return series.size();
    }

    /** The WAL, or null for an in-memory head. */
    public Wal wal() {
        return wal;
    }

    /** The end of the last block cut; samples before it are out of bounds. */
    public long minValidTime() {
        return minValidTime;
    }

    /**
     * Refuses samples before {@code t} from now on, including samples of appenders already running
     * when they commit (counted as out of bounds). A block cut calls it before reading the head, so
     * no sample can land in the block's range after the block was read.
     */
    public void raiseMinValidTime(long t) {
        synchronized (this) {
            if (t > minValidTime) {
                minValidTime = t;
            }
        }
    }

    /** Oldest timestamp an appender created now takes (Prometheus's appendableMinValidTime). */
    public long appendableMinValidTime() {
        return windowStart(maxTime.get());
    }

    long windowStart(long headMaxt) {
        long cw = headMaxt == Long.MIN_VALUE ? Long.MIN_VALUE : headMaxt - options.chunkRange() / 2;
        return Math.max(cw, minValidTime);
    }

    /** Whether the head spans more than 1.5 chunk ranges, so a block can be cut from its start (Prometheus's compactable). */
    public boolean compactable() {
        return initialized() && maxTime.get() - minTime.get() > options.chunkRange() / 2 * 3;
    }

    void observeTimes(long batchMin, long batchMax) {
        minTime.accumulateAndGet(batchMin, Math::min);
        maxTime.accumulateAndGet(batchMax, Math::max);
    }

    /**
     * Drops every chunk whose samples are all before {@code mint} and every series left without
     * chunks, and refuses samples before {@code mint} from now on; then, with a WAL, checkpoints the
     * older two thirds of its segments keeping only live series and samples at or after
     * {@code mint}, and deletes those segments. Call it after the data before {@code mint} is safe
     * in a block.
     */
    public void truncate(long mint) throws IOException {
        synchronized (snapshotLock) {
            truncateLocked(mint);
        }
    }

    private void truncateLocked(long mint) throws IOException {
        raiseMinValidTime(mint);
        if (initialized() && minTime.get() >= mint) {
            return;
        }
        if (wal != null) {
            // first: a snapshot names chunks in files deleted below, and holds data the checkpoint
            // drops; a kill in between then finds no snapshot and replays the WAL. Db writes a
            // new one soon after.
            HeadSnapshot.deleteAll(wal.dir());
        }
        minTime.set(mint);
        maxTime.accumulateAndGet(mint, Math::max);
        series.forEach(s -> {
            int dropped;
            synchronized (s) {
                dropped = s.truncateBefore(mint, chunks);
            }
            stats.chunksRemoved.add(dropped);
        });
        long[][] removed = {new long[64]}; // grown in the callback: the ids of removed series
        int[] count = {0};
        series.removeIf(s -> {
            synchronized (s) {
                return !s.hasSamples() && !s.pendingCommit();
            }
        }, s -> {
            if (count[0] == removed[0].length) {
                removed[0] = Arrays.copyOf(removed[0], count[0] * 2);
            }
            removed[0][count[0]++] = s.id;
        });
        if (count[0] > 0) {
            long[] ids = Arrays.copyOf(removed[0], count[0]);
            Arrays.sort(ids);
            // one pass over the postings for all of them
            postings.delete(id -> Arrays.binarySearch(ids, id) >= 0);
            stats.seriesRemoved.add(ids.length);
            removedSinceSymbolRebuild += ids.length;
            rebuildSymbolsIfWorthIt();
        }
        if (chunkFiles != null) {
            // after the series dropped their references: no reader can reach a deleted file
            chunkFiles.truncateBefore(mint);
        }
        if (wal != null) {
            WalTruncation.truncate(this, wal, walOptions, mint);
        }
    }

    /**
     * Replaces the symbol table with one holding only the live series' strings once the series
     * removed since the last rebuild are a tenth of those left (at least 1,000): a pass over every
     * series' labels, a few seconds at millions of series, at most once per truncation. The live
     * series keep their String instances, which go into the new table as they are, so series
     * created later still share them. An appender interning into the old table meanwhile only
     * misses that sharing for a string new since the pass; nothing depends on identity.
     */
    private void rebuildSymbolsIfWorthIt() {
        if (removedSinceSymbolRebuild < Math.max(1_000, series.size() / 10)) {
            return;
        }
        long t0 = System.nanoTime();
        SymbolTable fresh = new SymbolTable();
        series.forEach(s -> {
            Labels l = s.labels;
            for (int i = 0; i < l.size(); i++) {
                fresh.intern(l.name(i));
                fresh.intern(l.value(i));
            }
        });
        int before = symbols.size();
        symbols = fresh;
        removedSinceSymbolRebuild = 0;
        LOG.log(System.Logger.Level.INFO, "Rebuilt the head''s label string table: {0} strings of {1} still used ({2} ms)",
                fresh.size(), before, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Distinct label strings the head holds (for tests). */
    int symbolCount() {
        return symbols.size();
    }

    /** {@code chunks_head/} usage: files and bytes; zeros for an in-memory head. */
    public long[] chunkFileUsage() {
        return chunkFiles == null ? new long[2] : chunkFiles.usage();
    }

    /**
     * Writes a snapshot of the head now, while appenders keep running, so that a start after a
     * crash loads it and replays only the WAL written after it: starts a new WAL segment once the
     * commits in flight have applied their samples ({@link CommitGate}), then writes every series
     * as the snapshot of the segment before. Samples committed during the writing may be in the
     * snapshot and in the later segments both; the replay drops such repeats as it drops any sample
     * not newer than its series' newest. Blocks {@link #truncate} and {@link #close} while it runs.
     *
     * @return the snapshot written, or null when there is nothing to write to (in-memory or closed
     *         head) or head chunks could not be written to disk (then a start replays the WAL)
     * @throws IOException if the snapshot could not be written; the WAL still has everything
     */
    public Path snapshot() throws IOException {
        synchronized (snapshotLock) {
            Wal w = wal;
            if (w == null || closed) {
                return null;
            }
            if (chunkFiles.failed()) {
                LOG.log(System.Logger.Level.WARNING, "Not writing a head snapshot: head chunks could not be written"
                        + " to disk, so a start replays the WAL {0}", w.dir());
                return null;
            }
            long start = System.nanoTime();
            int segment;
            commitGate.close();
            try {
                segment = w.segmentIndex();
                w.nextSegment();
            } finally {
                commitGate.open();
            }
            Path p = HeadSnapshot.write(this, w.dir(), segment, chunkFiles);
            LOG.log(System.Logger.Level.INFO, "Wrote head snapshot {0} ({1} series) while appending in {2} ms", p,
                    numSeries(), (System.nanoTime() - start) / 1_000_000);
            return p;
        }
    }

    /**
     * Turns off (or on) the snapshot {@link #close} writes; off, the next start replays the WAL.
     * No appender may run when {@link #close} is called if it is on.
     */
    public void snapshotOnClose(boolean on) {
        snapshotOnClose = on;
    }

    /**
     * Closes the WAL (flushing and fsyncing it), then writes a snapshot of the head beside it for a
     * fast next start ({@link HeadSnapshot}); a failed snapshot is logged, not thrown: the WAL has
     * everything. The head's memory stays readable.
     */
    @Override
    public void close() throws IOException {
        if (wal == null) {
            return;
        }
        synchronized (snapshotLock) {
            closeLocked();
        }
    }

    private void closeLocked() throws IOException {
        int segment = wal.segmentIndex();
        wal.close();
        if (snapshotOnClose && !closed && chunkFiles.failed()) {
            LOG.log(System.Logger.Level.WARNING, "Not writing a head snapshot: head chunks could not be written to"
                    + " disk, so the next start replays the WAL {0}", wal.dir());
        } else if (snapshotOnClose && !closed) {
            closed = true;
            long start = System.nanoTime();
            try {
                Path p = HeadSnapshot.write(this, wal.dir(), segment, chunkFiles);
                LOG.log(System.Logger.Level.INFO, "Wrote head snapshot {0} ({1} series) in {2} ms", p, numSeries(),
                        (System.nanoTime() - start) / 1_000_000);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            }
        }
        closed = true;
        chunkFiles.close();
    }

    private boolean closed;
}
