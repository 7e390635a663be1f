package dev.cairn.tsdb.head;

import java.util.Arrays;

/**
 * The chunks found in {@code chunks_head/} at start-up, grouped by series reference, in file order
 * (which is the order they were cut in): Prometheus's {@code series ref -> []mmappedChunk} map,
 * as primitive arrays. A replay attaches each series' list when the series is created, then skips
 * WAL samples the chunks already hold. Built on one thread, then only read.
 */
final class MmappedChunks {
    private long[] series = new long[1024];
    private long[] refs = new long[1024];
    private long[] mints = new long[1024];
    private long[] maxts = new long[1024];
    private int[] next = new int[1024];
    private int size;
    private long maxSeries;

    /** Open addressing on series ref: slot → first and last chunk index (+1; 0 is empty). */
    private long[] keys = new long[1024];
    private int[] first = new int[1024];
    private int[] last = new int[1024];
    private int distinct;

    void add(long seriesRef, long ref, long mint, long maxt) {
        if (size == refs.length) {
            int n = size * 2;
            series = Arrays.copyOf(series, n);
            refs = Arrays.copyOf(refs, n);
            mints = Arrays.copyOf(mints, n);
            maxts = Arrays.copyOf(maxts, n);
            next = Arrays.copyOf(next, n);
        }
        int i = size++;
        series[i] = seriesRef;
        refs[i] = ref;
        mints[i] = mint;
        maxts[i] = maxt;
        next[i] = -1;
        maxSeries = Math.max(maxSeries, seriesRef);
        if (2 * (distinct + 1) > keys.length) {
            rehash(keys.length * 2);
        }
        int slot = slot(seriesRef);
        if (first[slot] == 0) {
            keys[slot] = seriesRef;
            first[slot] = i + 1;
            distinct++;
        } else {
            next[last[slot] - 1] = i;
        }
        last[slot] = i + 1;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int s = (int) (mix(key) & mask);
        while (first[s] != 0 && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private static long mix(long h) {
        h *= 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldFirst = first;
        int[] oldLast = last;
        keys = new long[capacity];
        first = new int[capacity];
        last = new int[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldFirst[i] != 0) {
                int s = slot(oldKeys[i]);
                keys[s] = oldKeys[i];
                first[s] = oldFirst[i];
                last[s] = oldLast[i];
            }
        }
    }

    /** Chunks found, over all series. */
    int size() {
        return size;
    }

    /** The highest series reference found (0 for none): ids below it must not be handed to new series. */
    long maxSeriesRef() {
        return maxSeries;
    }

    /** Index of the first chunk of {@code seriesRef}, or -1. */
    int first(long seriesRef) {
        int s = slot(seriesRef);
        return first[s] == 0 ? -1 : first[s] - 1;
    }

    /** Whether the list of chunks starting at {@code first} (from {@link #first}) holds {@code ref}. */
    boolean holds(int first, long ref) {
        for (int i = first; i >= 0; i = next[i]) {
            if (refs[i] == ref) {
                return true;
            }
        }
        return false;
    }

    /** Index of the chunk after {@code i} of the same series, or -1. */
    int next(int i) {
        return next[i];
    }

    long ref(int i) {
        return refs[i];
    }

    long mint(int i) {
        return mints[i];
    }

    long maxt(int i) {
        return maxts[i];
    }
}
