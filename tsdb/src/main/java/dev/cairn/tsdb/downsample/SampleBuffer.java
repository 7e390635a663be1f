package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.chunk.ChunkIterator;

import java.util.Arrays;

/** A growable pair of primitive arrays of samples, reused across series. */
final class SampleBuffer {
    static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    long[] ts = new long[256];
    double[] vs = new double[256];
    int n;

    void clear() {
        n = 0;
    }

    void add(long t, double v) {
        if (n == ts.length) {
            ts = Arrays.copyOf(ts, n * 2);
            vs = Arrays.copyOf(vs, n * 2);
        }
        ts[n] = t;
        vs[n] = v;
        n++;
    }

    /**
     * Appends the samples of one chunk as Thanos's expandXorChunkIterator: stale markers dropped, and a
     * sample older than the previous one of the same chunk dropped.
     */
    void expand(ChunkIterator it) {
        long lastT = Long.MIN_VALUE;
        while (it.next()) {
            double v = it.atV();
            if (Double.doubleToRawLongBits(v) == STALE_NAN_BITS) {
                continue;
            }
            long t = it.atT();
            if (t >= lastT) {
                add(t, v);
                lastT = t;
            }
        }
    }
}
