package dev.cairn.tsdb.chunk;

/**
 * A chunk whose bytes this package carries between segment files unchanged but does not decode:
 * Thanos's aggregate chunks ({@link ChunkEncoding#AGGR}) of downsampled blocks. The package that
 * knows the encoding wraps it ({@code dev.cairn.tsdb.downsample.AggrChunk.of}).
 *
 * <p>{@link #iterator} throws: a caller that reads samples of a downsampled block must choose an
 * aggregate first. {@link #numSamples()} is what Thanos counts, so that compaction, which copies
 * these chunks unchanged, keeps meta.json's stats right.
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

    /**
     * For {@link ChunkEncoding#AGGR}, the number of windows as Thanos counts them: the sample count of
     * the first entry (the count aggregate), an XOR chunk that starts with its count as 2 bytes big-endian
     * after its uvarint length and encoding byte; 0 when that entry is absent, -1 when the data is too
     * short to tell. -1 for other encodings.
     */
    @Override
    public int numSamples() {
        if (encoding != ChunkEncoding.AGGR || data.length == 0) {
            return -1;
        }
        int first = data[0] & 0xFF;
        if (first == 0) {
            return 0;
        }
        int pos = 0;
        while (pos < data.length && (data[pos] & 0x80) != 0) {
            pos++;
        }
        pos += 2; // past the last length byte and the encoding byte
        if (pos + 1 >= data.length) {
            return -1;
        }
        return ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
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
