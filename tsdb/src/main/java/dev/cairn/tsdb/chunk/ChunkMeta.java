package dev.cairn.tsdb.chunk;

/**
 * Where a chunk lives and what time it covers, as a series entry of the index lists it.
 *
 * @param ref     0-based index of the segment file in the upper 32 bits (file 000001 is index 0), byte
 *                offset in the lower 32 (Prometheus's BlockChunkRef)
 * @param minTime first sample timestamp, ms, inclusive
 * @param maxTime last sample timestamp, ms, inclusive
 */
public record ChunkMeta(long ref, long minTime, long maxTime) {
    public static long ref(int segmentSeq, int offset) {
        return ((long) segmentSeq << 32) | (offset & 0xFFFFFFFFL);
    }

    public int segment() {
        return (int) (ref >>> 32);
    }

    public int offset() {
        return (int) ref;
    }
}
