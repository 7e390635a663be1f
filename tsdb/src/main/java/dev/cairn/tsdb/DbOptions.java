package dev.cairn.tsdb;

import dev.cairn.tsdb.head.HeadOptions;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Db} runs. Defaults in one place: {@link #defaults()}.
 *
 * @param blockRange         width of the blocks cut from the head, ms (2h); also the head's chunk range.
 *                           A block is cut once the head spans 1.5 of it.
 * @param samplesPerChunk    target samples per head chunk (120)
 * @param wal                segment size, fsync policy and disk of the WAL; see {@link SyncPolicy} for
 *                           what an acknowledged commit survives under each policy
 * @param compactionInterval how often a background thread checks whether a block can be cut;
 *                           {@link Duration#ZERO} for no thread (call {@link Db#compact()} yourself)
 * @param retention          how long local blocks are kept, measured as Prometheus's
 *                           {@code --storage.tsdb.retention.time}: a block goes once the newest
 *                           block's end is more than this after its own end; {@link Duration#ZERO}
 *                           keeps every block
 * @param headChunkWriteBuffer bytes of full head chunks buffered before they go to {@code chunks_head/}
 *                           (4 MiB; 0 writes each chunk as it is cut): what a crash loses of it is
 *                           re-created from the WAL at the next start, so it trades start-up time after
 *                           a crash against write calls
 */
public record DbOptions(long blockRange, int samplesPerChunk, WalOptions wal, Duration compactionInterval,
                        Duration retention, int headChunkWriteBuffer) {
    public DbOptions {
        Objects.requireNonNull(wal, "wal");
        Objects.requireNonNull(compactionInterval, "compactionInterval");
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative, got " + retention);
        }
        if (compactionInterval.isNegative()) {
            throw new IllegalArgumentException("compaction interval must not be negative, got " + compactionInterval);
        }
        // validates the rest
        new HeadOptions(blockRange, samplesPerChunk, 4096, headChunkWriteBuffer);
    }

    /** With the default head chunk write buffer. */
    public DbOptions(long blockRange, int samplesPerChunk, WalOptions wal, Duration compactionInterval,
                     Duration retention) {
        this(blockRange, samplesPerChunk, wal, compactionInterval, retention,
                HeadOptions.defaults().chunkWriteBuffer());
    }

    /**
     * 2h blocks, 120 samples per chunk, the WAL's defaults (BATCH fsync), a check every minute,
     * blocks kept forever (the receiver ships them to the bucket; retention there is the compactor's).
     */
    public static DbOptions defaults() {
        return new DbOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 120, WalOptions.defaults(), Duration.ofMinutes(1),
                Duration.ZERO);
    }

    public DbOptions withBlockRange(long ms) {
        return new DbOptions(ms, samplesPerChunk, wal, compactionInterval, retention, headChunkWriteBuffer);
    }

    public DbOptions withWal(WalOptions w) {
        return new DbOptions(blockRange, samplesPerChunk, w, compactionInterval, retention, headChunkWriteBuffer);
    }

    public DbOptions withSyncPolicy(SyncPolicy p) {
        return withWal(wal.withSyncPolicy(p));
    }

    public DbOptions withCompactionInterval(Duration d) {
        return new DbOptions(blockRange, samplesPerChunk, wal, d, retention, headChunkWriteBuffer);
    }

    public DbOptions withRetention(Duration r) {
        return new DbOptions(blockRange, samplesPerChunk, wal, compactionInterval, r, headChunkWriteBuffer);
    }

    public DbOptions withHeadChunkWriteBuffer(int bytes) {
        return new DbOptions(blockRange, samplesPerChunk, wal, compactionInterval, retention, bytes);
    }

    HeadOptions headOptions() {
        return new HeadOptions(blockRange, samplesPerChunk, 4096, headChunkWriteBuffer);
    }
}
