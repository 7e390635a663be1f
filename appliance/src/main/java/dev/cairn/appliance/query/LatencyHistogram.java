package dev.cairn.appliance.query;

import dev.cairn.appliance.web.MetricsText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram family of durations in seconds with fixed label names: per label set, cumulative
 * {@code _bucket{le=...}} counts, {@code _sum} and {@code _count}, as the text format defines a histogram.
 * The buckets span 5 ms to 2 min, the range of a query from a cached block to an endpoint that hits the
 * query timeout. Thread-safe; observing allocates only for a label set seen for the first time.
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds; +Inf is implied. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final String name;
    private final String help;
    private final String[] labelNames;
    private final Map<List<String>, Cell> cells = new ConcurrentHashMap<>();

    /** One label set's counts. */
    private static final class Cell {
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Cell() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }

    public LatencyHistogram(String name, String help, String... labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = labelNames.clone();
    }

    /** Makes the label set's series exist at zero before the first observation (for rates and alerts). */
    public void touch(String... labelValues) {
        cell(labelValues);
    }

    /** Records one duration; {@code labelValues} in the order of the label names. */
    public void observeNanos(long nanos, String... labelValues) {
        double s = nanos / 1e9;
        Cell c = cell(labelValues);
        // only the first bucket that holds it: the exposition makes them cumulative
        int i = Arrays.binarySearch(BUCKETS, s);
        int idx = i >= 0 ? i : -i - 1;
        if (idx < BUCKETS.length) {
            c.buckets[idx].increment();
        }
        c.count.increment();
        c.sum.add(s);
    }

    private Cell cell(String[] labelValues) {
        if (labelValues.length != labelNames.length) {
            throw new IllegalArgumentException(name + " has labels " + Arrays.toString(labelNames) + ", got values "
                    + Arrays.toString(labelValues));
        }
        return cells.computeIfAbsent(List.of(labelValues), k -> new Cell());
    }

    /** Observations so far for a label set (tests and the status UI). */
    public long count(String... labelValues) {
        Cell c = cells.get(List.of(labelValues));
        return c == null ? 0 : c.count.sum();
    }

    /** The family, HELP and TYPE even when nothing was observed yet. */
    public void write(MetricsText out) {
        out.family(name, "histogram", help);
        List<Map.Entry<List<String>, Cell>> sorted = new ArrayList<>(cells.entrySet());
        sorted.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
        String[] labels = new String[labelNames.length * 2 + 2];
        for (Map.Entry<List<String>, Cell> e : sorted) {
            for (int i = 0; i < labelNames.length; i++) {
                labels[2 * i] = labelNames[i];
                labels[2 * i + 1] = e.getKey().get(i);
            }
            labels[labels.length - 2] = "le";
            Cell c = e.getValue();
            // read the count first: buckets observed after it may only make the +Inf bucket look short, never
            // make a finite bucket exceed +Inf by more than races in flight
            long count = c.count.sum();
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += c.buckets[i].sum();
                labels[labels.length - 1] = le(BUCKETS[i]);
                out.sample(name + "_bucket", Math.min(cumulative, count), labels);
            }
            labels[labels.length - 1] = "+Inf";
            out.sample(name + "_bucket", count, labels);
            String[] plain = Arrays.copyOf(labels, labels.length - 2);
            out.sample(name + "_sum", c.sum.sum(), plain);
            out.sample(name + "_count", count, plain);
        }
    }

    private static String le(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
