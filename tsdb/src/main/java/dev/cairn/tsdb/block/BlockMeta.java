package dev.cairn.tsdb.block;

/**
 * A block's meta.json: its identity, time range and provenance. Read and written by {@link MetaJson}.
 *
 * @param ulid       the block's name (its directory name)
 * @param minTime    first timestamp the block may hold, ms, inclusive
 * @param maxTime    end of the block's range, ms, <b>exclusive</b> (as Prometheus: last sample + 1 or the range end)
 * @param stats      counts of samples, series, chunks, tombstones
 * @param compaction level, sources and parents
 * @param version    the meta/index format version; 1 is the only one Prometheus knows
 * @param thanos     the Thanos section, or null for a plain Prometheus block
 */
public record BlockMeta(Ulid ulid, long minTime, long maxTime, BlockStats stats, BlockCompaction compaction,
                        int version, ThanosMeta thanos) {
    public static final int VERSION_1 = 1;

    public BlockMeta {
        java.util.Objects.requireNonNull(ulid, "ulid");
        java.util.Objects.requireNonNull(stats, "stats");
        java.util.Objects.requireNonNull(compaction, "compaction");
    }

    public BlockMeta withThanos(ThanosMeta t) {
        return new BlockMeta(ulid, minTime, maxTime, stats, compaction, version, t);
    }

    /** True when the block's range [minTime, maxTime) shares a millisecond with [mint, maxt] (inclusive). */
    public boolean overlapsClosed(long mint, long maxt) {
        return minTime <= maxt && mint < maxTime;
    }

    public BlockDesc desc() {
        return new BlockDesc(ulid, minTime, maxTime);
    }
}
