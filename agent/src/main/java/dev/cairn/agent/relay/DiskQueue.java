package dev.cairn.agent.relay;

import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.storeapi.remotewrite.RemoteWriteSink;
import dev.cairn.tsdb.fs.AppendFile;
import dev.cairn.tsdb.fs.Disk;
import dev.cairn.tsdb.wal.Segments;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.Wal;
import dev.cairn.tsdb.wal.WalOptions;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The relay's durable queue: a {@link Wal} of {@link QueueRecord}s in {@code queue/} and the
 * acknowledged read position in {@code queue/position}.
 *
 * <p>As a {@link RemoteWriteSink} it appends each accepted request as one record with
 * {@link SyncPolicy#BATCH} group commit, so {@link #write} returns — and the handler answers 204 —
 * only once the record is fsynced: Prometheus forgets what we acknowledged, so we must not lose it,
 * even to a power cut. Concurrent requests share fsyncs.
 *
 * <p>The position file holds {@code cairn-relay-position v1 SEGMENT OFFSET CRC32C}; it is replaced
 * atomically (write temp, fsync, rename, fsync the directory), so a crash leaves the old or the new
 * one. Segments before the saved position are deleted only after it is durable.
 *
 * <h2>Disk full</h2>
 * A failed write or fsync fails the {@link Wal} for good (its contract: nothing after it may be
 * acknowledged). The queue then answers every request with an {@link IOException} (the handler
 * answers 500, so Prometheus keeps the data and retries), logs at ERROR once, counts it and sets
 * {@code cairn_relay_queue_writable 0}. At most once per {@link #REOPEN_EVERY_NANOS}, a request
 * finding at least {@link #MIN_FREE_BYTES} free on the queue's file system closes the failed WAL
 * and opens a new one: the torn tail of the failed segment is cut off and writing goes on in a
 * new segment, so ingestion resumes without a restart. Nothing acknowledged is lost: every 204
 * was fsynced before the failure; records written after the last good fsync were never
 * acknowledged, and if they survive they are sent once more than Prometheus's retry (a harmless
 * duplicate, see the package doc).
 */
public final class DiskQueue implements RemoteWriteSink, Closeable {
    private static final String POSITION = "position";
    private static final String MAGIC = "cairn-relay-position v1";

    private static final System.Logger LOG = System.getLogger(DiskQueue.class.getName());
    /** How often a refused request may try to reopen a failed queue. */
    static final long REOPEN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Free space the queue's file system needs before a failed queue is reopened (no churn of empty segments). */
    static final long MIN_FREE_BYTES = 4L << 20;

    private final Path dir;
    private final Disk disk;
    private final WalOptions options;
    private final RelayMetrics metrics;
    private volatile Wal wal;
    /** The WAL that failed, while the queue refuses writes; null while it takes them. */
    private volatile Wal failed;
    private volatile String failure;
    private long lastReopenNanos; // guarded by reopenLock
    private final Object reopenLock = new Object();
    private volatile Runnable onAppend = () -> { };
    /** One record encoder per request thread (the server's sink threads), reused across requests. */
    private final ThreadLocal<QueueRecord.Encoder> encoders = ThreadLocal.withInitial(QueueRecord.Encoder::new);

    private DiskQueue(Path dir, Disk disk, WalOptions options, Wal wal, RelayMetrics metrics) {
        this.dir = dir;
        this.disk = disk;
        this.options = options;
        this.wal = wal;
        this.metrics = metrics;
    }

    /** Opens (creating) the queue in {@code dir}; segment size follows from the disk budget. */
    public static DiskQueue open(Path dir, long maxQueueBytes, RelayMetrics metrics) throws IOException {
        return open(dir, maxQueueBytes, metrics, Disk.local());
    }

    /** As {@link #open(Path, long, RelayMetrics)} on the given disk (tests inject failures through it). */
    static DiskQueue open(Path dir, long maxQueueBytes, RelayMetrics metrics, Disk disk) throws IOException {
        metrics.queueMaxBytes.set(maxQueueBytes);
        WalOptions opts = WalOptions.defaults().withDisk(disk).withSyncPolicy(SyncPolicy.BATCH)
                .withSegmentSize(segmentSize(maxQueueBytes));
        return new DiskQueue(dir, disk, opts, Wal.open(dir, opts), metrics);
    }

    /**
     * A sixteenth of the budget, between 128 KiB and 64 MiB, in whole 32 KiB pages: the budget is
     * enforced by deleting whole segments, so they must be small against it.
     */
    static int segmentSize(long maxQueueBytes) {
        long s = Math.max(128 << 10, Math.min(64L << 20, maxQueueBytes / 16));
        return (int) (s / (32 << 10) * (32 << 10));
    }

    Path dir() {
        return dir;
    }

    Wal wal() {
        return wal;
    }

    /** Called after every append (the forwarder wakes up its reader). */
    void onAppend(Runnable r) {
        this.onAppend = r;
    }

    @Override
    public void write(List<DecodedSeries> series) throws IOException {
        if (series.isEmpty()) {
            return;
        }
        QueueRecord.Encoder enc = encoders.get();
        long samples = enc.encode(series);
        append(enc.array(), enc.length(), samples);
    }

    /**
     * Appends one encoded {@link QueueRecord} (the first {@code len} bytes of {@code record}) holding
     * {@code samples} samples; returns once it is fsynced, as {@link #write} does. The array may be
     * reused when this returns.
     */
    void append(byte[] record, int len, long samples) throws IOException {
        byte[] rec = Arrays.copyOf(record, len);
        Wal w = usableWal();
        try {
            w.log(rec);
        } catch (IOException e) {
            markFailed(w, e);
            metrics.requestsRefusedQueueFailed.increment();
            throw new IOException("the relay's disk queue " + dir + " could not store the request (" + e.getMessage()
                    + "); Prometheus keeps it and retries", e);
        }
        metrics.requestsIn.increment();
        metrics.samplesIn.add(samples);
        metrics.bytesAppended.add(rec.length);
        onAppend.run();
    }

    /** The open WAL, or after a failure a new one once there is room again; throws while refusing. */
    private Wal usableWal() throws IOException {
        if (failed == null) {
            return wal;
        }
        synchronized (reopenLock) {
            Wal broken = failed;
            if (broken == null) {
                return wal;
            }
            long now = System.nanoTime();
            if (now - lastReopenNanos < REOPEN_EVERY_NANOS) {
                throw refusing(null);
            }
            lastReopenNanos = now;
            long free;
            try {
                free = Files.getFileStore(dir).getUsableSpace();
            } catch (IOException e) {
                throw refusing("cannot read the free space: " + e.getMessage());
            }
            if (free < MIN_FREE_BYTES) {
                throw refusing(free + " bytes free, waiting for " + MIN_FREE_BYTES);
            }
            try {
                broken.close(); // after a failure this only releases the file
            } catch (IOException e) {
                // already failed: nothing more to lose
            }
            Wal next;
            try {
                next = Wal.open(dir, options); // cuts the torn tail, starts a new segment
            } catch (IOException | RuntimeException e) {
                throw refusing("reopening it failed: " + e.getMessage());
            }
            wal = next;
            failed = null;
            metrics.queueWritable.set(1);
            LOG.log(System.Logger.Level.WARNING, "relay disk queue {0} takes writes again (segment {1}, {2} bytes free) "
                    + "after: {3}", dir, next.segmentIndex(), free, failure);
            return next;
        }
    }

    private void markFailed(Wal w, IOException e) {
        synchronized (reopenLock) {
            if (failed == w || wal != w) {
                return; // another request saw it first, or it was already replaced
            }
            failed = w;
            failure = e.getMessage();
            lastReopenNanos = System.nanoTime();
            metrics.queueWriteFailures.increment();
            metrics.queueWritable.set(0);
        }
        LOG.log(System.Logger.Level.ERROR, "RELAY DISK QUEUE CANNOT WRITE: " + e.getMessage() + ". Remote-write "
                + "requests are answered 500 (Prometheus keeps and retries them) until the queue's file system "
                + dir + " has at least " + MIN_FREE_BYTES + " bytes free again; then it resumes by itself", e);
    }

    private IOException refusing(String detail) {
        metrics.requestsRefusedQueueFailed.increment();
        return new IOException("the relay's disk queue " + dir + " is not writable since: " + failure
                + (detail == null ? "" : "; " + detail) + ". Prometheus keeps the data and retries; free disk space");
    }

    /** The segment indexes on disk, ascending. */
    int[] segments() throws IOException {
        return Segments.list(disk, dir);
    }

    long segmentBytes(int index) {
        try {
            return Files.size(Segments.path(dir, index));
        } catch (IOException e) {
            return 0; // deleted meanwhile
        }
    }

    /** Bytes of all segments. */
    long sizeBytes() throws IOException {
        long total = 0;
        for (int s : segments()) {
            total += segmentBytes(s);
        }
        return total;
    }

    /** The saved position, or the start of the oldest segment when none was saved or it points before it. */
    QueuePosition loadPosition() throws IOException {
        int[] segs = segments();
        QueuePosition oldest = new QueuePosition(segs.length == 0 ? 0 : segs[0], 0);
        Path f = dir.resolve(POSITION);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return oldest;
        }
        String[] p = text.split(" ");
        if (p.length != 5 || !(p[0] + " " + p[1]).equals(MAGIC)) {
            throw new IOException("relay queue position file " + f + " is damaged ('" + text + "'); delete it to "
                    + "resend everything still in " + dir + " (duplicates are harmless)");
        }
        String body = p[0] + " " + p[1] + " " + p[2] + " " + p[3];
        if (!Long.toHexString(crc(body)).equals(p[4])) {
            throw new IOException("relay queue position file " + f + " fails its checksum; delete it to resend "
                    + "everything still in " + dir + " (duplicates are harmless)");
        }
        QueuePosition saved = new QueuePosition(Integer.parseInt(p[2]), Long.parseLong(p[3]));
        return saved.max(oldest);
    }

    /** Durably replaces the saved position. */
    void savePosition(QueuePosition pos) throws IOException {
        String body = MAGIC + " " + pos.segment() + " " + pos.offset();
        byte[] bytes = (body + " " + Long.toHexString(crc(body)) + "\n").getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(POSITION + ".tmp");
        disk.delete(tmp);
        try (AppendFile f = disk.openAppend(tmp)) {
            f.append(bytes, 0, bytes.length);
            f.fsync();
        }
        disk.rename(tmp, dir.resolve(POSITION));
        disk.syncDir(dir);
    }

    private static long crc(String s) {
        CRC32C c = new CRC32C();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    /** Deletes the segments before {@code segment}; only after a position at or after it is saved. */
    void truncateBefore(int segment) throws IOException {
        wal.truncate(segment);
    }

    @Override
    public void close() throws IOException {
        wal.close();
    }
}
