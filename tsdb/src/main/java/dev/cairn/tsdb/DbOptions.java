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
 * @param snapshotInterval     how often a background thread writes a head snapshot while appends go on
 *                           (5 minutes; sooner once a WAL segment was filled since the last one, and
 *                           soon after each block cut): a start after a
 *                           crash loads the newest one and replays only the WAL written after it, so this
 *                           bounds the replay after SIGKILL, at the cost of writing the head's series and
 *                           open chunks once per interval (full chunks are referenced, not copied).
 *                           {@link Duration#ZERO}: only at clean close, so a crash replays the whole WAL
 */
public record DbOptions(long blockRange, int samplesPerChunk, WalOptions wal, Duration compactionInterval,
                        Duration retention, int headChunkWriteBuffer, Duration snapshotInterval) {
    /** The default of {@link #snapshotInterval()}. */
    public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMinutes(5);

    public DbOptions {
        Objects.requireNonNull(snapshotInterval, "snapshotInterval");
        if (snapshotInterval.isNegative()) {
            throw new IllegalArgumentException("snapshot interval must not be negative, got " + snapshotInterval);
        }
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

    /** With the default head chunk write buffer and snapshot interval. */
    public DbOptions(long blockRange, int samplesPerChunk, WalOptions wal, Duration compactionInterval,
                     Duration retention) {
        this(blockRange, samplesPerChunk, wal, compactionInterval, retention,
                HeadOptions.defaults().chunkWriteBuffer(), DEFAULT_SNAPSHOT_INTERVAL);
    }

    /** With the default snapshot interval. */
    public DbOptions(long blockRange, int samplesPerChunk, WalOptions wal, Duration compactionInterval,
                     Duration retention, int headChunkWriteBuffer) {
        this(blockRange, samplesPerChunk, wal, compactionInterval, retention, headChunkWriteBuffer,
                DEFAULT_SNAPSHOT_INTERVAL);
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
        return new DbOptions(ms, samplesPerChunk, wal, compactionInterval, retention, headChunkWriteBuffer, snapshotInterval);
    }

    public DbOptions withWal(WalOptions w) {
        return new DbOptions(blockRange, samplesPerChunk, w, compactionInterval, retention, headChunkWriteBuffer, snapshotInterval);
    }

    public DbOptions withSyncPolicy(SyncPolicy p) {
        return withWal(wal.withSyncPolicy(p));
    }

    public DbOptions withCompactionInterval(Duration d) {
        return new DbOptions(blockRange, samplesPerChunk, wal, d, retention, headChunkWriteBuffer, snapshotInterval);
    }

    public DbOptions withRetention(Duration r) {
        return new DbOptions(blockRange, samplesPerChunk, wal, compactionInterval, r, headChunkWriteBuffer, snapshotInterval);
    }

    public DbOptions withHeadChunkWriteBuffer(int bytes) {
        return new DbOptions(blockRange, samplesPerChunk, wal, compactionInterval, retention, bytes, snapshotInterval);
    }

    public DbOptions withSnapshotInterval(Duration d) {
        return new DbOptions(blockRange, samplesPerChunk, wal, compactionInterval, retention, headChunkWriteBuffer, d);
    }

    HeadOptions headOptions() {
        return new HeadOptions(blockRange, samplesPerChunk, 4096, headChunkWriteBuffer);
    }
}
