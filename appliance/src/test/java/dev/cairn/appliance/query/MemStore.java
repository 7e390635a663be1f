package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.tsdb.index.Utf8Order;
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
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory storage for tests: series with samples, a querier factory that counts its calls. */
final class MemStore implements QuerierFactory {
    private final TreeMap<Labels, long[]> times = new TreeMap<>(Utf8Order.LABELS);
    private final TreeMap<Labels, double[]> values = new TreeMap<>(Utf8Order.LABELS);
    final AtomicInteger opened = new AtomicInteger();
    volatile RuntimeException failure;
    volatile long delayMs;

    MemStore add(Labels ls, long[] ts, double[] vs) {
        times.put(ls, ts);
        values.put(ls, vs);
        return this;
    }

    @Override
    public Querier querier(long mint, long maxt) {
        opened.incrementAndGet();
        if (delayMs > 0) {
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pretending to be slow", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return new Querier() {
            @Override
            public SeriesSet select(List<Matcher> matchers) {
                List<Series> out = new ArrayList<>();
                for (Labels ls : times.keySet()) {
                    if (matches(ls, matchers)) {
                        out.add(clipped(ls, mint, maxt));
                    }
                }
                return new ListSeriesSet(out);
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
                for (Labels ls : times.keySet()) {
                    if (matches(ls, matchers) && ls.has(name)) {
                        out.add(ls.get(name));
                    }
                }
                return new ArrayList<>(out);
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
                for (Labels ls : times.keySet()) {
                    if (matches(ls, matchers)) {
                        ls.forEach((n, v) -> out.add(n));
                    }
                }
                return new ArrayList<>(out);
            }

            @Override
            public void close() {
            }
        };
    }

    private Series clipped(Labels ls, long mint, long maxt) {
        long[] ts = times.get(ls);
        double[] vs = values.get(ls);
        int from = 0;
        while (from < ts.length && ts[from] < mint) {
            from++;
        }
        int to = from;
        while (to < ts.length && ts[to] <= maxt) {
            to++;
        }
        return new BufferedSeries(ls, Arrays.copyOfRange(ts, from, to), Arrays.copyOfRange(vs, from, to), to - from);
    }

    static boolean matches(Labels ls, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(ls.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /** Timestamps from {@code start} every {@code step} up to {@code end} (inclusive), leaving out [gapFrom, gapTo]. */
    static long[] grid(long start, long end, long step, long gapFrom, long gapTo) {
        long[] out = new long[(int) ((end - start) / step) + 1];
        int n = 0;
        for (long t = start; t <= end; t += step) {
            if (t < gapFrom || t > gapTo) {
                out[n++] = t;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** A counter growing by {@code rate} per second: its value at each timestamp. */
    static double[] counter(long[] ts, double base, double ratePerSecond) {
        double[] out = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            out[i] = base + ratePerSecond * ts[i] / 1000.0;
        }
        return out;
    }
}
