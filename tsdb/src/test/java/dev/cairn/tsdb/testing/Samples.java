package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Samples of one series held in plain arrays, for tests: build them, hand them to writers as a
 * {@link Series}, and compare what readers return with {@link #equals} (values compared by their
 * bits, so NaN, stale markers and -0.0 count).
 */
public final class Samples implements Series {
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;
    public static final double STALE_NAN = Double.longBitsToDouble(STALE_NAN_BITS);

    private final Labels labels;
    private long[] ts;
    private double[] vs;
    private int n;

    public Samples(Labels labels) {
        this.labels = labels;
        this.ts = new long[16];
        this.vs = new double[16];
    }

    public Samples(Labels labels, long[] ts, double[] vs) {
        this.labels = labels;
        this.ts = ts.clone();
        this.vs = vs.clone();
        this.n = ts.length;
    }

    public Samples add(long t, double v) {
        if (n == ts.length) {
            ts = Arrays.copyOf(ts, n * 2);
            vs = Arrays.copyOf(vs, n * 2);
        }
        ts[n] = t;
        vs[n] = v;
        n++;
        return this;
    }

    /** Reads all samples of an iterator. */
    public static Samples drain(Labels labels, ChunkIterator it) {
        Samples s = new Samples(labels);
        for (int guard = 0; it.next(); guard++) {
            if (guard > 50_000_000) {
                throw new AssertionError("iterator of " + labels + " does not end");
            }
            s.add(it.atT(), it.atV());
        }
        return s;
    }

    /** Reads every series of a set. */
    public static List<Samples> drain(SeriesSet set) {
        List<Samples> out = new ArrayList<>();
        while (set.next()) {
            out.add(drain(set.at().labels(), set.at().iterator(null)));
        }
        return out;
    }

    @Override
    public Labels labels() {
        return labels;
    }

    public int size() {
        return n;
    }

    public long t(int i) {
        return ts[i];
    }

    public double v(int i) {
        return vs[i];
    }

    /** The samples with timestamps in [mint, maxt]. */
    public Samples clip(long mint, long maxt) {
        Samples s = new Samples(labels);
        for (int i = 0; i < n; i++) {
            if (ts[i] >= mint && ts[i] <= maxt) {
                s.add(ts[i], vs[i]);
            }
        }
        return s;
    }

    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        return new ChunkIterator() {
            int i = -1;

            @Override
            public boolean next() {
                if (i < n) {
                    i++;
                }
                return i < n;
            }

            @Override
            public boolean seek(long t) {
                if (i < 0) {
                    i = 0;
                }
                while (i < n && ts[i] < t) {
                    i++;
                }
                return i < n;
            }

            @Override
            public long atT() {
                return ts[i];
            }

            @Override
            public double atV() {
                return vs[i];
            }
        };
    }

    /** A label-sorted set over {@code series} (sorted here). */
    public static SeriesSet setOf(List<Samples> series) {
        List<Samples> sorted = new ArrayList<>(series);
        sorted.sort((a, b) -> a.labels.compareTo(b.labels));
        return new SeriesSet() {
            int i = -1;

            @Override
            public boolean next() {
                return ++i < sorted.size();
            }

            @Override
            public Series at() {
                return sorted.get(i);
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Samples s) || s.n != n || !s.labels.equals(labels)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (ts[i] != s.ts[i] || Double.doubleToRawLongBits(vs[i]) != Double.doubleToRawLongBits(s.vs[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return labels.hashCode() * 31 + n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(labels.toString()).append(" [");
        for (int i = 0; i < n && i < 50; i++) {
            sb.append(i == 0 ? "" : " ").append(ts[i]).append('=').append(vs[i]);
            if (Double.doubleToRawLongBits(vs[i]) == STALE_NAN_BITS) {
                sb.append("(stale)");
            }
        }
        return sb.append(n > 50 ? " ... " + n + " samples]" : "]").toString();
    }
}
