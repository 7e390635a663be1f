package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random series for round-trip tests: a few metric names, label values with quotes, backslashes,
 * newlines and non-ASCII text; timestamps irregular (gaps from 1 ms to hours) and possibly
 * negative; values from every corner: NaN, stale markers, ±Inf, -0.0, huge, tiny, repeated runs.
 */
public final class RandomSeries {
    private RandomSeries() {
    }

    /** Options for {@link #generate}. */
    public record Spec(int series, int maxSamples, long startMs, boolean negativeTimes, boolean specialValues,
                       boolean oddLabels) {
        public static Spec of(int series, int maxSamples, long startMs) {
            return new Spec(series, maxSamples, startMs, true, true, true);
        }
    }

    /** Series sorted in index order ({@link Utf8Order#LABELS}), each with 1..maxSamples samples. */
    public static List<Samples> generate(Random r, Spec spec) {
        Set<Labels> seen = new HashSet<>();
        List<Samples> out = new ArrayList<>();
        String[] odd = {"a\"b", "back\\slash", "new\nline", "ünï", "日本", "x y", "emoji\uD83D\uDE00", "\uE000"};
        int guard = 0;
        while (out.size() < spec.series() && guard++ < spec.series() * 20) {
            List<String> kv = new ArrayList<>();
            kv.add("__name__");
            kv.add("metric_" + r.nextInt(4));
            kv.add("job");
            kv.add("job" + r.nextInt(3));
            if (r.nextBoolean()) {
                kv.add("instance");
                kv.add("host-" + r.nextInt(50) + ":9100");
            }
            if (spec.oddLabels() && r.nextInt(5) == 0) {
                kv.add("odd");
                kv.add(odd[r.nextInt(odd.length)]);
            }
            Labels l = Labels.of(kv.toArray(new String[0]));
            if (!seen.add(l)) {
                continue;
            }
            out.add(samples(r, l, spec));
        }
        out.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        return out;
    }

    private static Samples samples(Random r, Labels l, Spec spec) {
        Samples s = new Samples(l);
        int n = 1 + r.nextInt(spec.maxSamples());
        long t = spec.startMs() + (spec.negativeTimes() ? -r.nextInt(100_000) : r.nextInt(100_000));
        long step = switch (r.nextInt(3)) {
            case 0 -> 15_000;
            case 1 -> 1 + r.nextInt(1000);
            default -> 60_000;
        };
        double v = r.nextInt(1000);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            if (spec.specialValues() && kind == 0) {
                v = Samples.STALE_NAN;
            } else if (spec.specialValues() && kind == 1) {
                v = Double.NaN;
            } else if (spec.specialValues() && kind == 2) {
                v = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            } else if (spec.specialValues() && kind == 3) {
                v = r.nextBoolean() ? -0.0 : Double.longBitsToDouble(r.nextLong() & 0x7FEFFFFFFFFFFFFFL);
            } else if (kind < 10) {
                // counters and gauges repeating or moving a little: what XOR compression is made for
                v = Double.isFinite(v) ? v + r.nextInt(3) : r.nextInt(100);
            } else {
                v = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 4);
            }
            s.add(t, v);
            // mostly regular, sometimes jittered, rarely a gap of hours
            long d = r.nextInt(50) == 0 ? 1 + r.nextInt(3 * 3_600_000) : step + (r.nextInt(4) == 0 ? r.nextInt(200) - 100 : 0);
            t += Math.max(1, d);
        }
        return s;
    }
}
