package dev.cairn.storeapi.store;

import dev.cairn.tsdb.chunk.ChunkIterator;

/** Test samples from arrays. */
final class ArraySamples implements ChunkIterator {
    private final long[] ts;
    private final double[] vs;
    private int i = -1;

    ArraySamples(long[] ts, double[] vs) {
        this.ts = ts;
        this.vs = vs;
    }

    @Override
    public boolean next() {
        return ++i < ts.length;
    }

    @Override
    public boolean seek(long t) {
        if (i < 0) {
            i = 0;
        }
        while (i < ts.length && ts[i] < t) {
            i++;
        }
        return i < ts.length;
    }

    @Override
    public long atT() {
        return ts[i];
    }

    @Override
    public double atV() {
        return vs[i];
    }
}
