package dev.cairn.tsdb.head;

/**
 * How a {@link Head} cuts chunks and stripes its series map. Defaults in one place:
 * {@link #defaults()}.
 *
 * @param chunkRange      width of a head block range in ms (Prometheus's block range, 2h): chunks
 *                        never span a multiple of it, and samples older than head max time minus half
 *                        of it are out of bounds
 * @param samplesPerChunk target samples in a chunk before it is cut (Prometheus: 120)
 * @param stripes         lock stripes of the series map; a power of two
 * @param chunkWriteBuffer bytes of full chunks buffered before they are written to
 *                        {@code chunks_head/} (0: each chunk as it is cut); what is buffered when the
 *                        process dies is re-created from the WAL at the next start
 */
public record HeadOptions(long chunkRange, int samplesPerChunk, int stripes, int chunkWriteBuffer) {
    /** Two hours, as Prometheus's default minimum block duration. */
    public static final long DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000L;

    public HeadOptions {
        if (chunkRange <= 0) {
            throw new IllegalArgumentException("head chunk range must be positive, got " + chunkRange + " ms");
        }
        if (samplesPerChunk < 4) {
            throw new IllegalArgumentException("samples per chunk must be at least 4, got " + samplesPerChunk);
        }
        if (stripes <= 0 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("series map stripes must be a power of two, got " + stripes);
        }
        if (chunkWriteBuffer < 0) {
            throw new IllegalArgumentException("head chunk write buffer must not be negative, got " + chunkWriteBuffer);
        }
    }

    /** With the default head chunk write buffer (4 MiB, as Prometheus). */
    public HeadOptions(long chunkRange, int samplesPerChunk, int stripes) {
        this(chunkRange, samplesPerChunk, stripes, HeadChunkFiles.DEFAULT_BUFFER);
    }

    /** 2h range, 120 samples per chunk, 4096 stripes, 4 MiB head chunk write buffer. */
    public static HeadOptions defaults() {
        return new HeadOptions(DEFAULT_CHUNK_RANGE, 120, 4096);
    }

    public HeadOptions withChunkRange(long ms) {
        return new HeadOptions(ms, samplesPerChunk, stripes, chunkWriteBuffer);
    }

    public HeadOptions withChunkWriteBuffer(int bytes) {
        return new HeadOptions(chunkRange, samplesPerChunk, stripes, bytes);
    }
}
