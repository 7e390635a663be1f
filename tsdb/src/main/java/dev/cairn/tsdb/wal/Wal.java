package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.fs.AppendFile;
import dev.cairn.tsdb.fs.Disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * A segmented write-ahead log in Prometheus's wlog format: records are split into fragments with a
 * 7-byte header and packed into 32 KiB pages of numbered segment files ({@code 00000000},
 * {@code 00000001}, …). A Prometheus WAL reader reads what this writes, and {@link SegmentReader}
 * reads what Prometheus writes.
 *
 * <h2>Design</h2>
 * Writes go through an in-memory page as in Prometheus: each {@link #log} call appends its
 * fragments to the page and then hands the page's new bytes to the operating system (one
 * {@code write} per call, more when pages fill), so every file byte is written exactly once and a
 * crash of the process can only cut the file, never scramble it. Durability is a separate step
 * decided by the {@link SyncPolicy}.
 *
 * <p>Two locks: {@code writeLock} guards the page, the open segment and {@code written} (the number
 * of bytes handed to the OS since open, across segments); {@code syncLock} serialises fsyncs and
 * is never taken while {@code writeLock} is held, so writers keep filling the page while an fsync
 * runs. {@code durable} is the largest {@code written} value known to be fsynced. Group commit
 * ({@link SyncPolicy#BATCH}) follows from that: a caller that finds {@code durable} below its own
 * position takes {@code syncLock}, snapshots {@code written}, fsyncs, and publishes it; callers
 * queued behind it usually find themselves covered and return without an fsync of their own.
 * Rolling over fsyncs and closes the old segment under {@code writeLock}; an fsync racing with it on
 * the old file sees it closed and is covered by the rollover's fsync. Under {@link SyncPolicy#NONE},
 * which promises nothing against power loss, the old segment is instead
 * <em>retired</em>: queued, then fsynced and closed off the writers' path (by a short-lived thread,
 * or by whichever fsync or close comes first, all under {@code syncLock}, oldest first, before any
 * newer position is published as durable), as Prometheus fsyncs the previous segment in the
 * background. Holding {@code writeLock} through that fsync stalled every writer for the time it
 * took to flush a 128 MiB segment to disk (tens to hundreds of milliseconds per rollover, most of
 * the writers' lock waits in the head's ingest bench).
 *
 * <h2>Failure</h2>
 * Any failed write or fsync fails the WAL for good: that call and every later one throws, so nothing
 * written after the failure is ever acknowledged (Linux may drop dirty pages after a failed fsync
 * and report the next fsync as a success, so retrying would be a lie). The bytes on disk stay a
 * valid log up to the last acknowledged record plus possibly a torn tail, which the next
 * {@link #open} cuts off.
 *
 * <h2>Opening</h2>
 * {@link #open} reads the last existing segment, cuts a torn tail off it (with a warning), and
 * starts a new segment after it, as Prometheus does; it never appends to an old segment.
 *
 * <p>Thread-safe.
 */
public final class Wal implements Closeable {
    private static final System.Logger LOG = System.getLogger(Wal.class.getName());

    private final Path dir;
    private final WalOptions options;
    private final Disk disk;
    private final int pagesPerSegment;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition stopSyncer = writeLock.newCondition();
    private final AtomicLong durable = new AtomicLong();
    private volatile IOException failure;
    /** Rolled-over segments not yet fsynced and closed, oldest first, with their end positions. Guarded by itself. */
    private final ArrayDeque<Retiring> retiring = new ArrayDeque<>();

    private record Retiring(AppendFile file, long end, int index) {
    }

    // Guarded by writeLock.
    private final byte[] page = new byte[Frame.PAGE_SIZE];
    private final CRC32C crc = new CRC32C();
    private int alloc;
    private int flushed;
    private int donePages;
    private AppendFile segment;
    private int segmentIndex;
    private long written;
    private boolean closed;

    private final Thread syncer;

    private Wal(Path dir, WalOptions options, int firstSegment, AppendFile segment) {
        this.dir = dir;
        this.options = options;
        this.disk = options.disk();
        this.pagesPerSegment = options.segmentSize() / Frame.PAGE_SIZE;
        this.segmentIndex = firstSegment;
        this.segment = segment;
        if (options.syncPolicy() == SyncPolicy.INTERVAL) {
            syncer = new Thread(this::syncLoop, "cairn-wal-sync " + dir);
            syncer.setDaemon(true);
        } else {
            syncer = null;
        }
    }

    /**
     * Opens the WAL in {@code dir} (created if missing) for appending: repairs a torn tail of the
     * last segment and starts a new segment after it.
     *
     * @throws dev.cairn.tsdb.encoding.CorruptionException if the last segment is damaged before its
     *         tail (records after the damage would be lost by cutting there; an operator must decide)
     */
    public static Wal open(Path dir, WalOptions options) throws IOException {
        Disk disk = options.disk();
        disk.createDirectories(dir);
        int[] existing = Segments.list(disk, dir);
        int next = 0;
        if (existing.length > 0) {
            int last = existing[existing.length - 1];
            repairTail(disk, dir, last);
            next = last + 1;
        }
        AppendFile f = disk.openAppend(Segments.path(dir, next));
        try {
            disk.syncDir(dir);
        } catch (IOException e) {
            f.close();
            throw new IOException("cannot make new WAL segment " + Segments.path(dir, next) + " durable", e);
        }
        Wal wal = new Wal(dir, options, next, f);
        if (wal.syncer != null) {
            wal.syncer.start();
        }
        return wal;
    }

    private static void repairTail(Disk disk, Path dir, int last) throws IOException {
        TornTail torn;
        try (SegmentReader r = SegmentReader.open(dir, last, last)) {
            while (r.next()) {
                // Reading validates every fragment; the records themselves are the replayer's business.
            }
            torn = r.tornTail();
        }
        if (torn == null) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "Cutting torn tail of WAL segment {0} at offset {1} ({2})",
                torn.file(), torn.offset(), torn.what());
        try (AppendFile f = disk.openAppend(torn.file())) {
            f.truncate(torn.offset());
            f.fsync();
        }
    }

    /** The directory holding the segments. */
    public Path dir() {
        return dir;
    }

    public WalOptions options() {
        return options;
    }

    /** The index of the segment being written. */
    public int segmentIndex() {
        writeLock.lock();
        try {
            return segmentIndex;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Appends the records, in order, as one write. Returns when the records are as durable as the
     * {@link SyncPolicy} promises. A record never spans segments; the records of one call may land
     * in two when the call rolls over.
     *
     * @throws IOException if writing or fsyncing failed now or earlier; the WAL then accepts no more
     *         records and this call's records are not acknowledged (they may or may not be on disk)
     */
    public void log(byte[]... records) throws IOException {
        log(records, null);
    }

    /**
     * As {@link #log(byte[]...)}, taking each record as the valid bytes of a {@link ByteWriter}, so a
     * caller that encodes into reused writers logs without copying each record into a new array.
     */
    public void log(ByteWriter... records) throws IOException {
        log(null, records);
    }

    private void log(byte[][] arrays, ByteWriter[] writers) throws IOException {
        long pos;
        writeLock.lock();
        try {
            checkUsable();
            try {
                if (arrays != null) {
                    for (byte[] r : arrays) {
                        writeRecord(r, r.length);
                    }
                } else {
                    for (ByteWriter w : writers) {
                        writeRecord(w.array(), w.length());
                    }
                }
                if (alloc > flushed) {
                    flushPage(false);
                }
                pos = written;
                if (options.syncPolicy() == SyncPolicy.ALWAYS) {
                    segment.fsync();
                    publishDurable(pos);
                }
            } catch (IOException | RuntimeException e) {
                throw fail(e, "write records to WAL segment " + Segments.path(dir, segmentIndex));
            }
        } finally {
            writeLock.unlock();
        }
        if (options.syncPolicy() == SyncPolicy.BATCH) {
            awaitDurable(pos);
        }
    }

    /** Makes every record logged so far durable, whatever the policy. */
    public void sync() throws IOException {
        long pos;
        writeLock.lock();
        try {
            checkUsable();
            pos = written;
        } finally {
            writeLock.unlock();
        }
        awaitDurable(pos);
    }

    /**
     * Closes the open segment (padding its last page, fsynced) and starts the next one, so that
     * everything logged so far sits in segments a checkpoint may cover. Returns the new index.
     */
    public int nextSegment() throws IOException {
        writeLock.lock();
        try {
            checkUsable();
            try {
                rollover();
            } catch (IOException | RuntimeException e) {
                throw fail(e, "start WAL segment " + Segments.path(dir, segmentIndex + 1));
            }
            return segmentIndex;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Deletes the segments numbered below {@code before} (never the open one). Call it only after
     * a checkpoint covering them is durable.
     */
    public void truncate(int before) throws IOException {
        int current = segmentIndex();
        if (before > current) {
            throw new IllegalArgumentException("cannot truncate WAL " + dir + " before segment " + before
                    + ": segment " + current + " is still being written");
        }
        int[] idx = Segments.list(disk, dir);
        boolean deleted = false;
        for (int i : idx) {
            if (i >= before) {
                break;
            }
            // Oldest first: a crash half way leaves a sequential suffix, which stays readable.
            disk.delete(Segments.path(dir, i));
            deleted = true;
        }
        if (deleted) {
            disk.syncDir(dir);
        }
    }

    /** Flushes and pads the page, fsyncs and closes. Idempotent; after a failure it only releases the file. */
    @Override
    public void close() throws IOException {
        if (syncer != null) {
            writeLock.lock();
            try {
                closed = true;
                stopSyncer.signalAll();
            } finally {
                writeLock.unlock();
            }
            try {
                syncer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        syncLock.lock();
        writeLock.lock();
        try {
            IOException retireFailure = null;
            if (failure == null) {
                try {
                    retireAll();
                } catch (IOException e) {
                    retireFailure = e; // failed for good now: below only releases files, then throws it
                }
            }
            closeRetiredQuietly();
            if (segment == null) {
                if (retireFailure != null) {
                    throw retireFailure;
                }
                return;
            }
            closed = true;
            AppendFile f = segment;
            try (f) {
                if (failure == null) {
                    if (alloc > 0) {
                        flushPage(true);
                    }
                    f.fsync();
                    publishDurable(written);
                }
            } catch (IOException | RuntimeException e) {
                throw fail(e, "close WAL segment " + Segments.path(dir, segmentIndex));
            } finally {
                segment = null;
            }
            if (retireFailure != null) {
                throw retireFailure;
            }
        } finally {
            writeLock.unlock();
            syncLock.unlock();
        }
    }

    // ---- writing, all under writeLock ----

    private void checkUsable() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("WAL " + dir + " accepts no writes since an earlier failure (" + f.getMessage()
                    + "); nothing was logged since then. Fix the disk (free space?) and reopen the WAL", f);
        }
        if (closed) {
            throw new IOException("WAL " + dir + " is closed");
        }
    }

    private boolean pageFull() {
        return Frame.PAGE_SIZE - alloc < Frame.HEADER_SIZE;
    }

    private void writeRecord(byte[] rec, int recLength) throws IOException {
        if (pageFull()) {
            flushPage(true);
        }
        // Room left in this segment for data, counting a header per remaining page.
        long left = (Frame.PAGE_SIZE - alloc - Frame.HEADER_SIZE)
                + (long) (Frame.PAGE_SIZE - Frame.HEADER_SIZE) * (pagesPerSegment - donePages - 1);
        boolean segmentEmpty = donePages == 0 && alloc == 0;
        if (recLength > left && !segmentEmpty) {
            rollover();
        }
        int off = 0;
        boolean first = true;
        do {
            int n = Math.min(recLength - off, Frame.PAGE_SIZE - alloc - Frame.HEADER_SIZE);
            boolean last = off + n == recLength;
            int kind = first ? (last ? Frame.FULL : Frame.FIRST) : (last ? Frame.LAST : Frame.MIDDLE);
            crc.reset();
            crc.update(rec, off, n);
            int c = (int) crc.getValue();
            int p = alloc;
            page[p] = (byte) kind;
            page[p + 1] = (byte) (n >>> 8);
            page[p + 2] = (byte) n;
            page[p + 3] = (byte) (c >>> 24);
            page[p + 4] = (byte) (c >>> 16);
            page[p + 5] = (byte) (c >>> 8);
            page[p + 6] = (byte) c;
            System.arraycopy(rec, off, page, p + Frame.HEADER_SIZE, n);
            alloc = p + Frame.HEADER_SIZE + n;
            off += n;
            first = false;
            if (pageFull()) {
                flushPage(true);
            }
        } while (off < recLength);
    }

    /** Hands the page's unwritten bytes to the OS; with {@code complete}, pads the page with zeros first. */
    private void flushPage(boolean complete) throws IOException {
        if (complete || pageFull()) {
            alloc = Frame.PAGE_SIZE; // the bytes past the old alloc are zero already
            complete = true;
        }
        int n = alloc - flushed;
        segment.append(page, flushed, n);
        written += n;
        flushed = alloc;
        if (complete) {
            Arrays.fill(page, (byte) 0);
            alloc = 0;
            flushed = 0;
            donePages++;
        }
    }

    private void rollover() throws IOException {
        if (alloc > 0) {
            flushPage(true);
        }
        AppendFile old = segment;
        // only NONE: under INTERVAL the kernel could write the new segment's pages back before the old
        // one's, and a power loss would then cut more than a suffix, which INTERVAL promises not to
        boolean retire = options.syncPolicy() == SyncPolicy.NONE;
        if (retire) {
            synchronized (retiring) {
                retiring.addLast(new Retiring(old, written, segmentIndex));
            }
        } else {
            old.fsync();
            publishDurable(written);
            old.close();
        }
        int next = segmentIndex + 1;
        segment = disk.openAppend(Segments.path(dir, next));
        segmentIndex = next;
        donePages = 0;
        if (retire) {
            // the new file's directory entry is made durable with the old segment's fsync
            Thread t = new Thread(this::retireInBackground, "cairn-wal-retire " + dir);
            t.setDaemon(true);
            t.start();
        } else {
            disk.syncDir(dir);
        }
    }

    /** After a failure: releases the files of segments still waiting to be retired, without fsync. */
    private void closeRetiredQuietly() {
        synchronized (retiring) {
            for (Retiring r : retiring) {
                try {
                    r.file().close();
                } catch (IOException | RuntimeException e) {
                    // the WAL already failed; nothing more to report
                }
            }
            retiring.clear();
        }
    }

    private void retireInBackground() {
        syncLock.lock();
        try {
            retireAll();
        } catch (IOException e) {
            // fail() recorded it: the next log call throws
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Fsyncs and closes the retired segments, oldest first, publishing each one's end as durable.
     * Caller holds syncLock, so no fsync of a newer segment publishes past a segment not yet fsynced.
     */
    private void retireAll() throws IOException {
        boolean any = false;
        while (true) {
            Retiring r;
            synchronized (retiring) {
                r = retiring.pollFirst();
            }
            if (r == null) {
                break;
            }
            any = true;
            try (AppendFile f = r.file()) {
                f.fsync();
            } catch (IOException | RuntimeException e) {
                throw fail(e, "fsync WAL segment " + Segments.path(dir, r.index()) + " after rolling over");
            }
            publishDurable(r.end());
        }
        if (any) {
            try {
                disk.syncDir(dir);
            } catch (IOException | RuntimeException e) {
                throw fail(e, "fsync WAL directory " + dir + " after rolling over");
            }
        }
    }

    // ---- durability ----

    private void publishDurable(long pos) {
        durable.accumulateAndGet(pos, Math::max);
    }

    private void awaitDurable(long pos) throws IOException {
        if (durable.get() >= pos) {
            return;
        }
        syncLock.lock();
        try {
            if (durable.get() >= pos) {
                return; // an fsync that started after our write covered it
            }
            retireAll();
            if (durable.get() >= pos) {
                return;
            }
            AppendFile f;
            long target;
            writeLock.lock();
            try {
                IOException err = failure;
                if (err != null) {
                    throw new IOException("WAL " + dir + " failed before these records were made durable", err);
                }
                f = segment;
                target = written;
            } finally {
                writeLock.unlock();
            }
            if (f == null) {
                throw new IOException("WAL " + dir + " was closed before these records were made durable");
            }
            try {
                f.fsync();
            } catch (ClosedChannelException e) {
                // Rollover or close fsynced this segment before closing it.
                if (durable.get() < target) {
                    throw fail(e, "fsync WAL segment");
                }
            } catch (IOException | RuntimeException e) {
                throw fail(e, "fsync WAL segment");
            }
            IOException err = failure;
            if (err != null) {
                // Another fsync of these bytes failed meanwhile (a rollover's); a later success proves nothing.
                throw new IOException("WAL " + dir + " failed before these records were made durable", err);
            }
            publishDurable(target);
        } finally {
            syncLock.unlock();
        }
    }

    private void syncLoop() {
        long intervalNanos = options.syncInterval().toNanos();
        while (true) {
            writeLock.lock();
            try {
                if (closed || failure != null) {
                    return;
                }
                try {
                    stopSyncer.awaitNanos(intervalNanos);
                } catch (InterruptedException e) {
                    return;
                }
                if (closed || failure != null) {
                    return;
                }
            } finally {
                writeLock.unlock();
            }
            try {
                sync();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "WAL " + dir + ": periodic fsync failed; the WAL accepts no more writes", e);
                return;
            }
        }
    }

    private IOException fail(Throwable e, String doing) {
        IOException io = e instanceof IOException ioe ? ioe : new IOException(e);
        IOException wrapped = new IOException("WAL " + dir + ": failed to " + doing + ": " + e.getMessage()
                + "; the WAL accepts no more writes until reopened", io);
        if (failure == null) {
            failure = wrapped;
            LOG.log(System.Logger.Level.ERROR, wrapped.getMessage());
        }
        return wrapped;
    }
}
