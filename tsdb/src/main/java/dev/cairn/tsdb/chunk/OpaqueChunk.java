package dev.cairn.tsdb.chunk;

/**
 * A chunk whose bytes this package carries between segment files unchanged but does not decode:
 * Thanos's aggregate chunks ({@link ChunkEncoding#AGGR}) of downsampled blocks. The package that
 * knows the encoding wraps it ({@code dev.cairn.tsdb.downsample.AggrChunk.of}).
 *
 * <p>{@link #numSamples()} is -1 (unknown here) and {@link #iterator} throws: a caller that reads
 * samples of a downsampled block must choose an aggregate first.
 */
public final class OpaqueChunk implements Chunk {
    private final ChunkEncoding encoding;
    private final byte[] data;
    private final String origin;
    private final long originOffset;

    /**
     * @param origin       the file the bytes came from, for error messages
     * @param originOffset offset of {@code data[0]} in that file
     */
    public OpaqueChunk(ChunkEncoding encoding, byte[] data, String origin, long originOffset) {
        this.encoding = encoding;
        this.data = data;
        this.origin = origin;
        this.originOffset = originOffset;
    }

    @Override
    public ChunkEncoding encoding() {
        return encoding;
    }

    @Override
    public byte[] bytes() {
        return data;
    }

    @Override
    public int length() {
        return data.length;
    }

    @Override
    public int numSamples() {
        return -1;
    }

    public String origin() {
        return origin;
    }

    public long originOffset() {
        return originOffset;
    }

    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        throw new UnsupportedOperationException(origin + " at offset " + originOffset + ": " + encoding
            + " chunk (a downsampled block's aggregates) has no plain sample stream; read it with"
            + " dev.cairn.tsdb.downsample.AggrChunk and pick an aggregate");
    }
}
