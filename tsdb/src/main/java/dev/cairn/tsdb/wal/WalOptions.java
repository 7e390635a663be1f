package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.Disk;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Wal} writes. Defaults in one place: {@link #defaults()}.
 *
 * @param segmentSize  bytes after which the WAL starts a new segment; a multiple of 32 KiB
 * @param syncPolicy   when records become durable; see {@link SyncPolicy}
 * @param syncInterval the period of {@link SyncPolicy#INTERVAL}; ignored by the other policies
 * @param disk         the file-system seam every write goes through
 */
public record WalOptions(int segmentSize, SyncPolicy syncPolicy, Duration syncInterval, Disk disk) {
    /** 128 MiB, as Prometheus. */
    public static final int DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

    public WalOptions {
        Objects.requireNonNull(syncPolicy, "syncPolicy");
        Objects.requireNonNull(syncInterval, "syncInterval");
        Objects.requireNonNull(disk, "disk");
        if (segmentSize <= 0 || segmentSize % Frame.PAGE_SIZE != 0) {
            throw new IllegalArgumentException("WAL segment size must be a positive multiple of "
                    + Frame.PAGE_SIZE + " bytes, got " + segmentSize);
        }
        if (syncPolicy == SyncPolicy.INTERVAL && (syncInterval.isNegative() || syncInterval.isZero())) {
            throw new IllegalArgumentException("WAL sync interval must be positive, got " + syncInterval);
        }
    }

    /** 128 MiB segments, {@link SyncPolicy#BATCH}, 1 s interval, the local disk. */
    public static WalOptions defaults() {
        return new WalOptions(DEFAULT_SEGMENT_SIZE, SyncPolicy.BATCH, Duration.ofSeconds(1), Disk.local());
    }

    public WalOptions withSegmentSize(int size) {
        return new WalOptions(size, syncPolicy, syncInterval, disk);
    }

    public WalOptions withSyncPolicy(SyncPolicy policy) {
        return new WalOptions(segmentSize, policy, syncInterval, disk);
    }

    public WalOptions withSyncInterval(Duration interval) {
        return new WalOptions(segmentSize, syncPolicy, interval, disk);
    }

    public WalOptions withDisk(Disk d) {
        return new WalOptions(segmentSize, syncPolicy, syncInterval, d);
    }
}
