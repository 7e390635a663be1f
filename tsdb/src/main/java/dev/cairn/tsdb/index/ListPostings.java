package dev.cairn.tsdb.index;

import java.util.Arrays;

/** Postings over a sorted, de-duplicated {@code long[]} range; seek gallops. Also expands any postings to an array. */
public final class ListPostings implements Postings {
    private final long[] refs;
    private final int from;
    private final int end;
    private int i;
    private long cur;

    /** Over {@code refs[from, to)}, which must be sorted ascending without repeats; not copied. */
    public ListPostings(long[] refs, int from, int to) {
        this.refs = refs;
        this.from = from;
        this.i = from - 1;
        this.end = to;
    }

    public ListPostings(long... refs) {
        this(refs, 0, refs.length);
    }

    @Override
    public boolean next() {
        if (i + 1 >= end) {
            i = end;
            return false;
        }
        cur = refs[++i];
        return true;
    }

    @Override
    public boolean seek(long v) {
        if (i >= end) {
            return false;
        }
        if (i >= from && cur >= v) {
            return true;
        }
        int lo = Math.max(i, from);
        // gallop to a bound hi with refs[hi] >= v, then binary-search below it
        int step = 1;
        int hi = lo;
        while (hi < end && refs[hi] < v) {
            lo = hi + 1;
            hi += step;
            step <<= 1;
        }
        if (hi >= end) {
            hi = end - 1;
            if (lo > hi || refs[hi] < v) {
                i = end;
                return false;
            }
        }
        int k = Arrays.binarySearch(refs, lo, hi + 1, v);
        i = k >= 0 ? k : -k - 1;
        cur = refs[i];
        return true;
    }

    @Override
    public long at() {
        return cur;
    }

    /** Drains {@code p} into a new array. */
    public static long[] expand(Postings p) {
        long[] out = new long[16];
        int n = 0;
        while (p.next()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.at();
        }
        return Arrays.copyOf(out, n);
    }
}
