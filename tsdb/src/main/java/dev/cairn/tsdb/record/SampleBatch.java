package dev.cairn.tsdb.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * Samples as parallel primitive arrays {@code (ref, t, v)}: what a samples record holds, without
 * an object per sample. Reusable: {@link #clear()} keeps the arrays. Not thread-safe.
 */
public final class SampleBatch {
    private long[] refs;
    private long[] ts;
    private double[] vs;
    private int size;

    public SampleBatch() {
        this(64);
    }

    public SampleBatch(int capacity) {
        int c = Math.max(1, capacity);
        refs = new long[c];
        ts = new long[c];
        vs = new double[c];
    }

    public void clear() {
        size = 0;
    }

    public int size() {
        return size;
    }

    public void add(long ref, long t, double v) {
        if (size == refs.length) {
            grow(size + 1);
        }
        refs[size] = ref;
        ts[size] = t;
        vs[size] = v;
        size++;
    }

    void ensureCapacity(int n) {
        if (n > refs.length) {
            grow(n);
        }
    }

    private void grow(int min) {
        int c = Math.max(min, refs.length * 2);
        refs = Arrays.copyOf(refs, c);
        ts = Arrays.copyOf(ts, c);
        vs = Arrays.copyOf(vs, c);
    }

    public long ref(int i) {
        check(i);
        return refs[i];
    }

    public long t(int i) {
        check(i);
        return ts[i];
    }

    public double v(int i) {
        check(i);
        return vs[i];
    }

    private void check(int i) {
        // an intrinsic the JIT folds into the array's own bounds check in counted loops
        Objects.checkIndex(i, size);
    }
}
