package dev.cairn.tsdb.record;

import java.util.Arrays;

/**
 * Deleted intervals {@code (ref, mint, maxt)}, inclusive, as a tombstones record holds them; one
 * entry per interval. Reusable via {@link #clear()}. Not thread-safe.
 */
public final class TombstoneBatch {
    private long[] refs = new long[8];
    private long[] mints = new long[8];
    private long[] maxts = new long[8];
    private int size;

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    public void add(long ref, long mint, long maxt) {
        if (size == refs.length) {
            int c = refs.length * 2;
            refs = Arrays.copyOf(refs, c);
            mints = Arrays.copyOf(mints, c);
            maxts = Arrays.copyOf(maxts, c);
        }
        refs[size] = ref;
        mints[size] = mint;
        maxts[size] = maxt;
        size++;
    }

    public long ref(int i) {
        check(i);
        return refs[i];
    }

    public long mint(int i) {
        check(i);
        return mints[i];
    }

    public long maxt(int i) {
        check(i);
        return maxts[i];
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("tombstone " + i + " of " + size);
        }
    }
}
