package dev.cairn.tsdb.head;

import java.util.Arrays;

/** Chunk bytes with their time bounds, gathered from a series for one read. Not thread-safe. */
final class ChunkList {
    private byte[][] chunks = new byte[2][];
    private long[] times = new long[4];
    private int size;

    void add(byte[] chunk, long minT, long maxT) {
        if (size == chunks.length) {
            chunks = Arrays.copyOf(chunks, size * 2);
            times = Arrays.copyOf(times, size * 4);
        }
        chunks[size] = chunk;
        times[2 * size] = minT;
        times[2 * size + 1] = maxT;
        size++;
    }

    int size() {
        return size;
    }

    byte[] chunk(int i) {
        return chunks[i];
    }

    long minTime(int i) {
        return times[2 * i];
    }

    long maxTime(int i) {
        return times[2 * i + 1];
    }

    /** An exact-size copy, to keep after this list is reused. */
    ChunkList trimmed() {
        ChunkList c = new ChunkList();
        c.chunks = Arrays.copyOf(chunks, size);
        c.times = Arrays.copyOf(times, 2 * size);
        c.size = size;
        return c;
    }

    void clear() {
        Arrays.fill(chunks, 0, size, null);
        size = 0;
    }
}
