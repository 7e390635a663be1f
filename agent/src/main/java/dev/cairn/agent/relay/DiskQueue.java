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
import java.util.List;
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
 */
public final class DiskQueue implements RemoteWriteSink, Closeable {
    private static final String POSITION = "position";
    private static final String MAGIC = "cairn-relay-position v1";

    private final Path dir;
    private final Disk disk;
    private final Wal wal;
    private final RelayMetrics metrics;
    private volatile Runnable onAppend = () -> { };

    private DiskQueue(Path dir, Disk disk, Wal wal, RelayMetrics metrics) {
        this.dir = dir;
        this.disk = disk;
        this.wal = wal;
        this.metrics = metrics;
    }

    /** Opens (creating) the queue in {@code dir}; segment size follows from the disk budget. */
    public static DiskQueue open(Path dir, long maxQueueBytes, RelayMetrics metrics) throws IOException {
        Disk disk = Disk.local();
        WalOptions opts = WalOptions.defaults().withDisk(disk).withSyncPolicy(SyncPolicy.BATCH)
                .withSegmentSize(segmentSize(maxQueueBytes));
        return new DiskQueue(dir, disk, Wal.open(dir, opts), metrics);
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
        long[] samples = new long[1];
        byte[] rec = QueueRecord.encode(series, samples);
        wal.log(rec);
        metrics.requestsIn.increment();
        metrics.samplesIn.add(samples[0]);
        metrics.bytesAppended.add(rec.length);
        onAppend.run();
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
