package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Labels;

import java.util.Arrays;

/** A growing series of (t, v) points in primitive arrays; the evaluator's intermediate matrix row. */
final class SeriesBuilder {
    Labels labels;
    long[] ts;
    double[] vs;
    int n;
    /** Read position of {@link Evaluator#rangeEval}: index of the next point not yet consumed. */
    int cursor;

    SeriesBuilder(Labels labels, int capacity) {
        this.labels = labels;
        this.ts = new long[Math.max(1, capacity)];
        this.vs = new double[Math.max(1, capacity)];
    }

    void add(long t, double v) {
        if (n == ts.length) {
            int cap = ts.length * 2;
            ts = Arrays.copyOf(ts, cap);
            vs = Arrays.copyOf(vs, cap);
        }
        ts[n] = t;
        vs[n] = v;
        n++;
    }

    Series toSeries() {
        return new Series(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
    }
}
