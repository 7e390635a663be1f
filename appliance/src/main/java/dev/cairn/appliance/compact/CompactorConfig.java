package dev.cairn.appliance.compact;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the bucket compactor. Defaults ({@link #defaults}) are Thanos's compactor defaults where
 * Thanos has one.
 *
 * @param scratchDir     where blocks are downloaded and written ({@code <data>/compact}); emptied after each run
 * @param ranges         compaction ranges, ascending; the first is the producers' block range (2h, 8h, 2d, 14d)
 * @param retentionRaw   how long raw blocks are kept after their end; {@link Duration#ZERO} keeps them forever
 * @param retention5m    the same for 5m-downsampled blocks
 * @param retention1h    the same for 1h-downsampled blocks
 * @param deleteDelay    how long a block marked for deletion stays before it is deleted (Thanos: 48h), so
 *                       that stores and queriers that still read it can finish
 * @param downsample     false skips the downsampling step (Thanos: {@code --downsampling.disable})
 * @param diskMarginBytes free space kept beyond what a job needs (2 × its input: the inputs and the output)
 * @param interval       time between the ends of two runs
 * @param lockHolder     who this compactor is in the bucket lock (host name and data dir, say)
 * @param lockStaleAfter a lock whose heartbeat is older than this is taken over
 */
public record CompactorConfig(Path scratchDir, List<Duration> ranges, Duration retentionRaw, Duration retention5m,
                              Duration retention1h, Duration deleteDelay, boolean downsample, long diskMarginBytes,
                              Duration interval, String lockHolder, Duration lockStaleAfter) {
    public static final List<Duration> DEFAULT_RANGES = List.of(Duration.ofHours(2), Duration.ofHours(8),
            Duration.ofDays(2), Duration.ofDays(14));

    public CompactorConfig {
        ranges = List.copyOf(ranges);
        check(retentionRaw, "compact.retention_raw", true);
        check(retention5m, "compact.retention_5m", true);
        check(retention1h, "compact.retention_1h", true);
        check(deleteDelay, "compact.delete_delay", true);
        check(interval, "compact.interval", false);
        check(lockStaleAfter, "compact.lock_stale_after", false);
        if (diskMarginBytes < 0) {
            throw new IllegalArgumentException("compact.disk_margin_bytes: " + diskMarginBytes + " (expected >= 0)");
        }
        if (lockHolder == null || lockHolder.isBlank()) {
            throw new IllegalArgumentException("compact.lock_holder is empty (expected e.g. the host name)");
        }
    }

    private static void check(Duration d, String name, boolean zeroOk) {
        if (d == null || d.isNegative() || (!zeroOk && d.isZero())) {
            throw new IllegalArgumentException(name + ": " + d + (zeroOk ? " (expected >= 0)" : " (expected > 0)"));
        }
    }

    /** Thanos's defaults: keep everything, 48h delete delay, downsampling on; 5 min interval, 1 GiB margin. */
    public static CompactorConfig defaults(Path scratchDir, String lockHolder) {
        return new CompactorConfig(scratchDir, DEFAULT_RANGES, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ofHours(48), true, 1L << 30, Duration.ofMinutes(5), lockHolder, Duration.ofMinutes(30));
    }

    public CompactorConfig withRetention(Duration raw, Duration fiveMinutes, Duration oneHour) {
        return new CompactorConfig(scratchDir, ranges, raw, fiveMinutes, oneHour, deleteDelay, downsample,
                diskMarginBytes, interval, lockHolder, lockStaleAfter);
    }

    public CompactorConfig withDeleteDelay(Duration d) {
        return new CompactorConfig(scratchDir, ranges, retentionRaw, retention5m, retention1h, d, downsample,
                diskMarginBytes, interval, lockHolder, lockStaleAfter);
    }

    public CompactorConfig withDownsample(boolean on) {
        return new CompactorConfig(scratchDir, ranges, retentionRaw, retention5m, retention1h, deleteDelay, on,
                diskMarginBytes, interval, lockHolder, lockStaleAfter);
    }

    public CompactorConfig withDiskMargin(long bytes) {
        return new CompactorConfig(scratchDir, ranges, retentionRaw, retention5m, retention1h, deleteDelay, downsample,
                bytes, interval, lockHolder, lockStaleAfter);
    }

    public CompactorConfig withInterval(Duration d) {
        return new CompactorConfig(scratchDir, ranges, retentionRaw, retention5m, retention1h, deleteDelay, downsample,
                diskMarginBytes, d, lockHolder, lockStaleAfter);
    }

    /** The retention of blocks at {@code resolution} ms (0, 300000, 3600000). */
    Duration retention(long resolution) {
        if (resolution == 0) {
            return retentionRaw;
        }
        return resolution <= 5 * 60 * 1000L ? retention5m : retention1h;
    }
}
