package dev.cairn.appliance.query;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;

import java.util.Arrays;

/**
 * A series read into memory by a fan-out worker, so that an endpoint's whole answer arrives within
 * its timeout (as Thanos's proxy buffers each store's response) and the querier it came from can be
 * closed at once. Samples in two primitive arrays; iterators allocate nothing per sample.
 */
final class BufferedSeries implements Series {
    private final Labels labels;
    private final long[] ts;
    private final double[] vs;
    private final int n;

    BufferedSeries(Labels labels, long[] ts, double[] vs, int n) {
        this.labels = labels;
        this.ts = ts;
        this.vs = vs;
        this.n = n;
    }

    /** Copies {@code s}'s samples within [mint, maxt]. */
    static BufferedSeries copyOf(Series s, long mint, long maxt) {
        if (s instanceof BufferedSeries b && (b.n == 0 || (b.ts[0] >= mint && b.ts[b.n - 1] <= maxt))) {
            return b; // immutable and already within range (a local block read ahead by LocalQuerier)
        }
        long[] ts = new long[16];
        double[] vs = new double[16];
        int n = 0;
        ChunkIterator it = s.iterator(null);
        if (it.seek(mint)) {
            do {
                long t = it.atT();
                if (t > maxt) {
                    break;
                }
                if (n == ts.length) {
                    ts = Arrays.copyOf(ts, n * 2);
                    vs = Arrays.copyOf(vs, n * 2);
                }
                ts[n] = t;
                vs[n] = it.atV();
                n++;
            } while (it.next());
        }
        return new BufferedSeries(s.labels(), ts, vs, n);
    }

    /**
     * The samples of two buffers of one series (same labels) in time order, a timestamp in both taken once
     * (from {@code a}), as a merge of overlapping blocks reads them. The common case, {@code b} after
     * {@code a} (consecutive blocks), is two array copies.
     */
    static BufferedSeries join(BufferedSeries a, BufferedSeries b) {
        long[] ts = new long[a.n + b.n];
        double[] vs = new double[a.n + b.n];
        int n = 0;
        int i = 0;
        int j = 0;
        if (a.n == 0 || b.n == 0 || a.ts[a.n - 1] < b.ts[0]) {
            System.arraycopy(a.ts, 0, ts, 0, a.n);
            System.arraycopy(a.vs, 0, vs, 0, a.n);
            System.arraycopy(b.ts, 0, ts, a.n, b.n);
            System.arraycopy(b.vs, 0, vs, a.n, b.n);
            return new BufferedSeries(a.labels, ts, vs, a.n + b.n);
        }
        while (i < a.n || j < b.n) {
            if (j == b.n || (i < a.n && a.ts[i] <= b.ts[j])) {
                if (i < a.n && j < b.n && a.ts[i] == b.ts[j]) {
                    j++;
                }
                ts[n] = a.ts[i];
                vs[n++] = a.vs[i++];
            } else {
                ts[n] = b.ts[j];
                vs[n++] = b.vs[j++];
            }
        }
        return new BufferedSeries(a.labels, ts, vs, n);
    }

    /** The same samples under other labels (replica labels removed). */
    BufferedSeries withLabels(Labels other) {
        return new BufferedSeries(other, ts, vs, n);
    }

    int size() {
        return n;
    }

    @Override
    public Labels labels() {
        return labels;
    }

    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        if (reuse instanceof Cursor c && c.owner == this) {
            c.i = -1;
            return c;
        }
        return new Cursor(this);
    }

    private static final class Cursor implements ChunkIterator {
        private final BufferedSeries owner;
        private int i = -1;

        Cursor(BufferedSeries owner) {
            this.owner = owner;
        }

        @Override
        public boolean next() {
            if (i < owner.n) {
                i++;
            }
            return i < owner.n;
        }

        @Override
        public boolean seek(long t) {
            if (i < 0) {
                i = 0;
            }
            while (i < owner.n && owner.ts[i] < t) {
                i++;
            }
            return i < owner.n;
        }

        @Override
        public long atT() {
            return owner.ts[i];
        }

        @Override
        public double atV() {
            return owner.vs[i];
        }
    }
}
