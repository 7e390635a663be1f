package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.chunk.ChunkIterator;

/**
 * Sum divided by count per window (Thanos's AverageChunkIterator): the value a plain selector reads
 * from downsampled data. The two aggregates must have the same timestamps; otherwise the chunk is
 * broken and {@link #next} throws.
 */
public final class AverageIterator implements ChunkIterator {
    private final ChunkIterator count;
    private final ChunkIterator sum;
    private long t;
    private double v;
    private boolean started;
    private boolean done;

    public AverageIterator(ChunkIterator count, ChunkIterator sum) {
        this.count = count;
        this.sum = sum;
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        boolean c = count.next();
        boolean s = sum.next();
        if (c != s) {
            throw new IllegalStateException("aggregate chunk: count and sum have different numbers of windows");
        }
        if (!c) {
            done = true;
            return false;
        }
        if (count.atT() != sum.atT()) {
            throw new IllegalStateException("aggregate chunk: count window at " + count.atT()
                + " but sum window at " + sum.atT());
        }
        started = true;
        t = count.atT();
        v = sum.atV() / count.atV();
        return true;
    }

    @Override
    public boolean seek(long target) {
        if (started && !done && t >= target) {
            return true;
        }
        while (next()) {
            if (t >= target) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long atT() {
        return t;
    }

    @Override
    public double atV() {
        return v;
    }
}
