package dev.cairn.appliance.promql;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/** Series kept in memory, sorted by labels, served through the {@link Querier} seam (tests only). */
final class MemoryStorage implements QuerierFactory {
    private final TreeMap<Labels, long[]> times = new TreeMap<>();
    private final TreeMap<Labels, double[]> values = new TreeMap<>();

    /** Adds samples to a series (merged in time order; a later sample at the same time wins). */
    void add(Labels labels, long[] ts, double[] vs) {
        TreeMap<Long, Double> merged = new TreeMap<>();
        long[] oldT = times.get(labels);
        if (oldT != null) {
            double[] oldV = values.get(labels);
            for (int i = 0; i < oldT.length; i++) {
                merged.put(oldT[i], oldV[i]);
            }
        }
        for (int i = 0; i < ts.length; i++) {
            merged.put(ts[i], vs[i]);
        }
        long[] t = new long[merged.size()];
        double[] v = new double[merged.size()];
        int i = 0;
        for (var e : merged.entrySet()) {
            t[i] = e.getKey();
            v[i++] = e.getValue();
        }
        times.put(labels, t);
        values.put(labels, v);
    }

    void clear() {
        times.clear();
        values.clear();
    }

    /** All series with their samples, sorted by labels. */
    List<Object[]> all() {
        List<Object[]> out = new ArrayList<>();
        for (Labels l : times.keySet()) {
            out.add(new Object[] {l, times.get(l), values.get(l)});
        }
        return out;
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return new Querier() {
            @Override
            public SeriesSet select(List<Matcher> matchers) {
                List<Series> hits = new ArrayList<>();
                for (Labels l : times.keySet()) {
                    boolean ok = true;
                    for (Matcher m : matchers) {
                        if (!m.matches(l.get(m.name()))) {
                            ok = false;
                            break;
                        }
                    }
                    long[] t = times.get(l);
                    int lo = lowerBound(t, mint);
                    int hi = lowerBound(t, maxt + 1);
                    if (ok && hi > lo) {
                        long[] ct = Arrays.copyOfRange(t, lo, hi);
                        double[] cv = Arrays.copyOfRange(values.get(l), lo, hi);
                        hits.add(new ArraySeries(l, ct, cv));
                    }
                }
                return new SeriesSet() {
                    int i = -1;

                    @Override
                    public boolean next() {
                        return ++i < hits.size();
                    }

                    @Override
                    public Series at() {
                        return hits.get(i);
                    }
                };
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                TreeSet<String> s = new TreeSet<>();
                for (Labels l : times.keySet()) {
                    if (l.has(name)) {
                        s.add(l.get(name));
                    }
                }
                return new ArrayList<>(s);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                TreeSet<String> s = new TreeSet<>();
                for (Labels l : times.keySet()) {
                    l.forEach((n, v) -> s.add(n));
                }
                return new ArrayList<>(s);
            }

            @Override
            public void close() {
            }
        };
    }

    private static int lowerBound(long[] a, long key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private record ArraySeries(Labels labels, long[] ts, double[] vs) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            return new ChunkIterator() {
                int i = -1;

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
            };
        }
    }
}
