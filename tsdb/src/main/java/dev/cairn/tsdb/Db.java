package dev.cairn.tsdb;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockDir;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.head.Head;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.head.HeadBlockWriter;
import dev.cairn.tsdb.storage.Querier;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A local TSDB directory as Prometheus lays it out (≈ tsdb/db.go): {@code wal/} for the head's
 * write-ahead log and one directory per block, named by its ULID. Appends go to the {@link Head};
 * once the head spans 1.5 block ranges, the oldest range is written as a block and dropped from the
 * head and the WAL. Queries read blocks and head merged.
 *
 * <h2>Durability and crash order</h2>
 * A commit is acknowledged once its WAL records are as durable as {@link DbOptions#wal()}'s sync
 * policy promises (see {@link dev.cairn.tsdb.wal.SyncPolicy}). Cutting a block: (1) the block is
 * written under a temporary name, fsynced and renamed ({@link BlockWriter}); (2) the head drops the
 * range and stops accepting samples before its end; (3) the WAL is checkpointed and its old
 * segments deleted. A crash after (1) leaves both block and WAL: on open, the WAL replay skips
 * samples before the newest block's end, so nothing is counted twice; a crash before (1)'s rename
 * leaves a {@code .tmp-for-creation} directory, deleted on open, and the WAL still has everything.
 *
 * <h2>Restart</h2>
 * A background thread writes a head snapshot every {@link DbOptions#snapshotInterval()} (and soon
 * after each block cut, which deletes the previous one), while appends go on; a clean close writes
 * one too. A start loads the newest snapshot, attaches the full chunks in {@code chunks_head/}, and
 * replays only the WAL written after the snapshot, so the time to start after SIGKILL is bounded by
 * the interval rather than by the head's size (see {@link Head#snapshot()}).
 *
 * <p>Thread-safe. Not guarded against two processes opening the same directory (no lock file yet).
 */
public final class Db implements Closeable {
    private static final System.Logger LOG = System.getLogger(Db.class.getName());

    private final Path dir;
    private final DbOptions options;
    private final Head head;
    private volatile List<Block> blocks;
    /** Blocks dropped by retention, closed one retention pass later (or at close) so queries running on them finish. */
    private List<Block> retired = new ArrayList<>();
    private static final String DELETION_SUFFIX = ".tmp-for-deletion";
    private final Object compactLock = new Object();
    private final Thread compactor;
    private final Thread snapshotter;
    /** Set by a block cut (which deletes the head snapshot): the snapshotter writes a new one soon. */
    private volatile boolean snapshotWanted;
    private volatile boolean closed;
    /** A head snapshot is also written once this many WAL segments were started since the last one. */
    static final int SNAPSHOT_AFTER_SEGMENTS = 1;

    private Db(Path dir, DbOptions options, Head head, List<Block> blocks) {
        this.dir = dir;
        this.options = options;
        this.head = head;
        this.blocks = blocks;
        if (options.compactionInterval().isZero()) {
            this.compactor = null;
        } else {
            this.compactor = new Thread(this::compactLoop, "cairn-db-compact " + dir.getFileName());
            this.compactor.setDaemon(true);
        }
        if (options.snapshotInterval().isZero() || head.wal() == null) {
            this.snapshotter = null;
        } else {
            this.snapshotter = new Thread(this::snapshotLoop, "cairn-db-snapshot " + dir.getFileName());
            this.snapshotter.setDaemon(true);
        }
    }

    /**
     * Opens (creating if needed) the TSDB in {@code dir}: removes interrupted block writes, opens the
     * blocks, replays the WAL into the head.
     *
     * @throws IOException if a block cannot be opened (the message names each one; move it away to
     *         start without it) or the WAL is damaged beyond a torn tail
     */
    public static Db open(Path dir, DbOptions options) throws IOException {
        Files.createDirectories(dir);
        removeInterruptedWrites(dir);
        // BlockDir.close() would close the blocks: they are kept open here, and closed by close()
        BlockDir bd = BlockDir.open(dir);
        if (!bd.failures().isEmpty()) {
            StringBuilder sb = new StringBuilder("cannot open TSDB " + dir + ": ");
            for (BlockDir.Failure f : bd.failures()) {
                sb.append(f.dir().getFileName()).append(": ").append(f.error().getMessage()).append("; ");
            }
            bd.close();
            throw new IOException(sb.append("move the damaged blocks out of the directory to start without them").toString());
        }
        List<Block> blocks = new ArrayList<>(bd.blocks());
        long minValid = Long.MIN_VALUE;
        for (Block b : blocks) {
            minValid = Math.max(minValid, b.meta().maxTime());
        }
        Head head;
        try {
            head = Head.open(dir.resolve("wal"), options.headOptions(), options.wal(), minValid);
        } catch (IOException | RuntimeException e) {
            blocks.forEach(Block::close);
            throw e;
        }
        Db db = new Db(dir, options, head, List.copyOf(blocks));
        try {
            db.applyRetention();
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
        if (db.compactor != null) {
            db.compactor.start();
        }
        if (db.snapshotter != null) {
            db.snapshotter.start();
        }
        return db;
    }

    private static void removeInterruptedWrites(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(DELETION_SUFFIX)) {
                    DurableFiles.deleteRecursively(p); // a retention deletion cut short
                } else if (name.endsWith(BlockWriter.TMP_SUFFIX)) {
                    LOG.log(System.Logger.Level.WARNING, "Removing interrupted block write {0}", p);
                    DurableFiles.deleteRecursively(p);
                }
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public DbOptions options() {
        return options;
    }

    public Head head() {
        return head;
    }

    /** The blocks on disk, oldest first. */
    public List<Block> blocks() {
        return blocks;
    }

    /** An appender into the head; see {@link HeadAppender}. */
    public HeadAppender appender() {
        return head.appender();
    }

    /** Reads [mint, maxt] (inclusive) of the blocks overlapping it and of the head, merged. */
    public Querier querier(long mint, long maxt) {
        boolean headInRange = head.initialized() && head.minTime() <= maxt && mint <= head.maxTime();
        return new DbQuerier(this, mint, maxt, headInRange ? head.querier(mint, maxt) : null);
    }

    /**
     * Cuts blocks from the head while it spans more than 1.5 block ranges, each covering the
     * block-range-aligned window that holds the head's oldest sample, and truncates head and WAL
     * after each. Returns the number of blocks written.
     */
    public int compact() throws IOException {
        synchronized (compactLock) {
            int written = 0;
            for (int guard = 0; head.compactable() && guard < 10_000; guard++) {
                long mint = head.minTime();
                long maxt = (mint / options.blockRange()) * options.blockRange() + options.blockRange();
                // first: from here on no commit can add a sample the block would miss
                head.raiseMinValidTime(maxt);
                BlockMeta meta = HeadBlockWriter.write(head, dir, mint, maxt);
                if (meta != null) {
                    Block b = Block.open(dir.resolve(meta.ulid().toString()));
                    List<Block> next = new ArrayList<>(blocks);
                    next.add(b);
                    blocks = List.copyOf(next);
                    written++;
                    LOG.log(System.Logger.Level.INFO, "Wrote block {0} [{1}, {2}): {3} series, {4} samples",
                            meta.ulid(), mint, maxt, meta.stats().numSeries(), meta.stats().numSamples());
                }
                head.truncate(maxt);
                snapshotWanted = true;
            }
            applyRetention();
            return written;
        }
    }

    /**
     * Deletes the blocks that {@link DbOptions#retention()} no longer keeps: those whose end is more
     * than the retention before the newest block's end (Prometheus's BeyondTimeRetention). Each is
     * first taken out of the list queries see, then renamed to {@code <ULID>.tmp-for-deletion} and
     * deleted (a crash in between leaves a directory that {@link #open} deletes and never opens).
     * Returns the number deleted.
     */
    public int applyRetention() throws IOException {
        synchronized (compactLock) {
            for (Block b : retired) {
                b.close();
            }
            retired = new ArrayList<>();
            long keep = options.retention().toMillis();
            if (keep <= 0 || blocks.isEmpty()) {
                return 0;
            }
            long newest = Long.MIN_VALUE;
            for (Block b : blocks) {
                newest = Math.max(newest, b.meta().maxTime());
            }
            List<Block> kept = new ArrayList<>();
            List<Block> drop = new ArrayList<>();
            for (Block b : blocks) {
                (newest - b.meta().maxTime() > keep ? drop : kept).add(b);
            }
            if (drop.isEmpty()) {
                return 0;
            }
            blocks = List.copyOf(kept);
            for (Block b : drop) {
                Path gone = b.dir().resolveSibling(b.dir().getFileName() + DELETION_SUFFIX);
                DurableFiles.renameDurably(b.dir(), gone);
                DurableFiles.deleteRecursively(gone);
                LOG.log(System.Logger.Level.INFO, "Deleted block {0} [{1}, {2}): beyond the retention of {3}",
                        b.meta().ulid(), b.meta().minTime(), b.meta().maxTime(), options.retention());
                // mapped files stay readable after the delete; the block is closed a pass later
                retired.add(b);
            }
            return drop.size();
        }
    }

    /**
     * Wakes the compaction thread now instead of at its next interval when the head spans enough
     * for a block, as Prometheus's appender does after a commit: a head that keeps filling between
     * two checks holds more memory than it must. Cheap; call it after each commit.
     */
    public void compactSoon() {
        if (compactor != null && head.compactable()) {
            LockSupport.unpark(compactor);
        }
    }

    private void compactLoop() {
        long sleepNanos = Math.max(1, options.compactionInterval().toNanos());
        while (!closed) {
            // woken early by compactSoon(); a spurious wake-up only costs one compactable() check
            LockSupport.parkNanos(this, sleepNanos);
            if (Thread.interrupted()) {
                return;
            }
            try {
                compact();
            } catch (IOException | RuntimeException e) {
                // the head keeps growing until the cause is fixed; say so each time
                LOG.log(System.Logger.Level.ERROR, "Cutting a block from the head in " + dir + " failed; will retry", e);
            }
        }
    }

    /**
     * Writes head snapshots while the Db is open: every snapshot interval, or sooner after a block cut
     * or {@link #SNAPSHOT_AFTER_SEGMENTS} WAL segments; not when nothing was appended since the last.
     * Never interrupted (an interrupt closes the file channels the WAL rollover is using): close
     * sets {@link #closed}, unparks and waits.
     */
    private void snapshotLoop() {
        long interval = options.snapshotInterval().toNanos();
        long poll = Math.min(interval, java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        long last = System.nanoTime();
        long lastActivity = activity();
        int lastSegment = head.wal().segmentIndex();
        while (!closed) {
            LockSupport.parkNanos(this, poll);
            if (closed) {
                return;
            }
            int segment = head.wal().segmentIndex();
            long now = System.nanoTime();
            long act = activity();
            boolean due = snapshotWanted || now - last >= interval || segment - lastSegment >= SNAPSHOT_AFTER_SEGMENTS;
            if (!due) {
                continue;
            }
            if (act != lastActivity || snapshotWanted) {
                snapshotWanted = false;
                try {
                    head.snapshot();
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Writing a head snapshot in " + dir + " failed; a start after"
                            + " a crash replays more of the WAL until one succeeds. Will retry", e);
                }
                segment = head.wal().segmentIndex();
            }
            last = now;
            lastActivity = act;
            lastSegment = segment;
        }
    }

    /** Changes whenever the head took samples or series. */
    private long activity() {
        return head.stats().samplesAppended() + head.stats().seriesCreated();
    }

    /** Stops the compaction and snapshot threads, closes the WAL (flushed, fsynced) and the blocks. */
    @Override
    public void close() throws IOException {
        closed = true;
        if (snapshotter != null) {
            LockSupport.unpark(snapshotter);
            try {
                snapshotter.join(120_000); // a snapshot being written finishes first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (compactor != null) {
            compactor.interrupt();
            try {
                compactor.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (compactLock) {
            try {
                head.close();
            } finally {
                blocks.forEach(Block::close);
                retired.forEach(Block::close);
            }
        }
    }
}
