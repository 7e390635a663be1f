package dev.cairn.tsdb.head;

import java.util.Arrays;

/**
 * The chunks found in {@code chunks_head/} at start-up, grouped by series reference, in file order
 * (which is the order they were cut in): Prometheus's {@code series ref -> []mmappedChunk} map,
 * as primitive arrays. A replay attaches each series' list when the series is created, then skips
 * WAL samples the chunks already hold.
 *
 * <p>Filled by {@link #add} on one thread (the scan), then {@link #seal}ed, which links each
 * series' chunks; only read after that. Series references are dense in practice (Cairn and
 * Prometheus hand them out counting up), so the index is an array indexed by reference — a start
 * looks a million series up two or three times each, and a hash table's cache misses made that the
 * largest part of the scan — falling back to an open-addressing table when the references are too
 * sparse for such an array to be smaller than the chunks themselves.
 */
final class MmappedChunks {
    private long[] series = new long[1024];
    private long[] refs = new long[1024];
    private long[] mints = new long[1024];
    private long[] maxts = new long[1024];
    private int[] next;
    private int size;
    private long maxSeries;
    /** A reference below zero was read (only a foreign or odd file has one): no direct index. */
    private boolean negative;
    private boolean sealed;

    /** Direct index: {@code firstByRef[ref]} is the first chunk's index + 1 (0: none); or null. */
    private int[] firstByRef;
    /** Otherwise open addressing on series ref: slot → first chunk index (+1; 0 is empty). */
    private long[] keys;
    private int[] first;

    void add(long seriesRef, long ref, long mint, long maxt) {
        if (sealed) {
            throw new IllegalStateException("chunks added after the index was built");
        }
        if (size == refs.length) {
            int n = size * 2;
            series = Arrays.copyOf(series, n);
            refs = Arrays.copyOf(refs, n);
            mints = Arrays.copyOf(mints, n);
            maxts = Arrays.copyOf(maxts, n);
        }
        int i = size++;
        series[i] = seriesRef;
        refs[i] = ref;
        mints[i] = mint;
        maxts[i] = maxt;
        maxSeries = Math.max(maxSeries, seriesRef);
        negative |= seriesRef < 0;
    }

    /**
     * Links the chunks of each series, in the order they were added. Called once, when the scan is
     * done; the lookups below need it.
     */
    MmappedChunks seal() {
        if (sealed) {
            return this;
        }
        sealed = true;
        next = new int[Math.max(1, size)];
        // a direct index costs 4 bytes per reference up to the largest; the chunks ~40 bytes each
        boolean dense = !negative && maxSeries < (1L << 28) && maxSeries <= 10L * size + (1 << 20);
        if (dense) {
            int[] f = new int[(int) maxSeries + 1];
            // backwards, so each list ends up in file order without a "last" array
            for (int i = size - 1; i >= 0; i--) {
                int s = (int) series[i];
                next[i] = f[s] - 1;
                f[s] = i + 1;
            }
            firstByRef = f;
        } else {
            int cap = Integer.highestOneBit(Math.max(16, size) * 2) * 2;
            keys = new long[cap];
            first = new int[cap];
            for (int i = size - 1; i >= 0; i--) {
                int s = slot(series[i]);
                keys[s] = series[i];
                next[i] = first[s] - 1;
                first[s] = i + 1;
            }
        }
        // only needed to build the index
        series = null;
        return this;
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

    private void checkSealed() {
        if (!sealed) {
            throw new IllegalStateException("chunk index read before the scan finished");
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
        checkSealed();
        if (firstByRef != null) {
            return seriesRef < 0 || seriesRef >= firstByRef.length ? -1 : firstByRef[(int) seriesRef] - 1;
        }
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
