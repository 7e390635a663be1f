package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Labels;

import java.util.Arrays;

/**
 * The instant vector of one evaluation step, in parallel arrays reused from step to step. {@code aux}
 * carries a per-series value computed once per input series (a grouping key or matching signature),
 * so that per-step work does not recompute it.
 */
final class StepVector {
    int n;
    Labels[] labels = new Labels[8];
    long[] t = new long[8];
    double[] v = new double[8];
    Object[] aux = new Object[8];

    void clear() {
        Arrays.fill(labels, 0, n, null);
        Arrays.fill(aux, 0, n, null);
        n = 0;
    }

    void add(Labels l, long time, double value) {
        add(l, time, value, null);
    }

    void add(Labels l, long time, double value, Object a) {
        if (n == labels.length) {
            int cap = n * 2;
            labels = Arrays.copyOf(labels, cap);
            t = Arrays.copyOf(t, cap);
            v = Arrays.copyOf(v, cap);
            aux = Arrays.copyOf(aux, cap);
        }
        labels[n] = l;
        t[n] = time;
        v[n] = value;
        aux[n] = a;
        n++;
    }

    void addAll(StepVector o) {
        for (int i = 0; i < o.n; i++) {
            add(o.labels[i], o.t[i], o.v[i], o.aux[i]);
        }
    }
}
