package dev.cairn.tsdb.index;

import java.nio.ByteBuffer;

/**
 * A postings list as it lies in an index file: big-endian 4-byte series refs, read in place
 * (no copy, no allocation per ref). Seek gallops then binary-searches, so intersecting a short
 * list with a long one costs O(short × log long).
 */
final class BigEndianPostings implements Postings {
    private final ByteBuffer buf;
    private final int start;
    private final int count;
    /** Index of the current ref; -1 before the first {@link #next()}. */
    private int i = -1;
    private long cur;

    /** @param start absolute offset of the first ref in {@code buf} */
    BigEndianPostings(ByteBuffer buf, int start, int count) {
        this.buf = buf;
        this.start = start;
        this.count = count;
    }

    private long get(int k) {
        return buf.getInt(start + 4 * k) & 0xFFFFFFFFL;
    }

    @Override
    public boolean next() {
        if (i + 1 >= count) {
            i = count;
            return false;
        }
        cur = get(++i);
        return true;
    }

    @Override
    public boolean seek(long v) {
        if (i >= count) {
            return false;
        }
        if (i >= 0 && cur >= v) {
            return true;
        }
        int lo = Math.max(i, 0);
        // gallop: find a bound hi with get(hi) >= v
        int step = 1;
        int hi = lo;
        while (hi < count && get(hi) < v) {
            lo = hi + 1;
            hi += step;
            step <<= 1;
        }
        if (hi >= count) {
            hi = count - 1;
            if (lo > hi || get(hi) < v) {
                i = count;
                return false;
            }
        }
        // binary search in [lo, hi]; get(hi) >= v
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (get(mid) < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        i = lo;
        cur = get(lo);
        return true;
    }

    @Override
    public long at() {
        return cur;
    }
}
