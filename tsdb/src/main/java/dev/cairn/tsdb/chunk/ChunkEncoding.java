package dev.cairn.tsdb.chunk;

/** Chunk encodings and their on-disk byte, from Prometheus's chunkenc. */
public enum ChunkEncoding {
    XOR(1),
    HISTOGRAM(2),
    FLOAT_HISTOGRAM(3),
    /**
     * Thanos's aggregate chunk of downsampled blocks (its {@code ChunkEncAggr}): count, sum, min, max
     * and counter sub-chunks in one. The segment reader hands these out as {@link OpaqueChunk}s, bytes
     * unchanged; {@code dev.cairn.tsdb.downsample.AggrChunk} decodes them.
     */
    AGGR(0xFF);

    private final int code;

    ChunkEncoding(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The encoding for an on-disk byte, or null when Cairn does not know it. */
    public static ChunkEncoding of(int code) {
        for (ChunkEncoding e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
