package dev.cairn.tsdb.storage;

import dev.cairn.tsdb.chunk.ChunkIterator;

/**
 * Merges the samples of several iterators of one series into one timestamp-ordered stream, as
 * Prometheus's chainSampleIterator does for overlapping blocks. Where several iterators hold a
 * sample at the same timestamp only one is kept: here, deterministically, the one of the iterator
 * given first (Prometheus keeps whichever its heap yields first, which is not specified; callers
 * that care list their sources in a fixed order, e.g. blocks by minTime then ULID).
 *
 * <p>The number of merged iterators is small (overlapping blocks, a head and a block), so the next
 * sample is found by a linear scan over the current heads rather than a heap: no allocation per
 * sample, branch-friendly for 2–8 inputs.
 */
public final class ChainSampleIterator implements ChunkIterator {
    private final ChunkIterator[] its;
    /** Whether its[i] is positioned on a sample (atT/atV valid). */
    private final boolean[] live;
    private boolean started;
    private int cur = -1;
    private long curT;
    private double curV;

    public ChainSampleIterator(ChunkIterator... its) {
        this.its = its;
        this.live = new boolean[its.length];
    }

    private void start() {
        started = true;
        for (int i = 0; i < its.length; i++) {
            live[i] = its[i].next();
        }
    }

    /** Picks the smallest head; advances every other iterator that sits on the same timestamp. */
    private boolean pick() {
        int best = -1;
        long bestT = 0;
        for (int i = 0; i < its.length; i++) {
            if (live[i]) {
                long t = its[i].atT();
                if (best < 0 || t < bestT) {
                    best = i;
                    bestT = t;
                }
            }
        }
        if (best < 0) {
            cur = -1;
            return false;
        }
        cur = best;
        curT = bestT;
        curV = its[best].atV();
        // Drop duplicates of this timestamp from the later iterators now, so they never surface.
        for (int i = 0; i < its.length; i++) {
            if (i != best && live[i] && its[i].atT() == bestT) {
                live[i] = its[i].next();
            }
        }
        return true;
    }

    @Override
    public boolean next() {
        if (!started) {
            start();
        } else if (cur >= 0) {
            live[cur] = its[cur].next();
        } else {
            return false;
        }
        return pick();
    }

    @Override
    public boolean seek(long t) {
        if (!started) {
            start();
        } else if (cur < 0) {
            return false;
        } else if (curT >= t) {
            return true;
        } else {
            live[cur] = its[cur].next();
        }
        for (int i = 0; i < its.length; i++) {
            if (live[i] && its[i].atT() < t) {
                live[i] = its[i].seek(t);
            }
        }
        return pick();
    }

    @Override
    public long atT() {
        return curT;
    }

    @Override
    public double atV() {
        return curV;
    }
}
