package dev.cairn.tsdb.chunk;

/**
 * A compressed run of samples of one series, in one of Prometheus's chunk encodings.
 *
 * <p>{@link #bytes()} are exactly the bytes Prometheus stores for the chunk's data (after the
 * encoding byte in a segment file); the array may be shared, callers must not modify it.
 */
public interface Chunk {
    ChunkEncoding encoding();

    /** Data bytes, bit-identical to Prometheus's encoding of the same samples. Not copied. */
    byte[] bytes();

    /** Number of valid bytes in {@link #bytes()} (the array may be longer while appending). */
    int length();

    int numSamples();

    /** An iterator over the samples; {@code reuse} may be reset and returned (may be null). */
    ChunkIterator iterator(ChunkIterator reuse);
}
