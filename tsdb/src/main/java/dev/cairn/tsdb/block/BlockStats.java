package dev.cairn.tsdb.block;

/** The {@code stats} of a block's meta.json: counts of what the block holds. */
public record BlockStats(long numSamples, long numSeries, long numChunks, long numTombstones) {
    public static final BlockStats EMPTY = new BlockStats(0, 0, 0, 0);
}
