package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Labels;

/**
 * One series of a {@link Matrix}: timestamps (ms, increasing) and values in two parallel arrays of the
 * same length. The arrays are owned by the series; callers must not modify them.
 */
public record Series(Labels labels, long[] ts, double[] vs) {
    public Series {
        if (ts.length != vs.length) {
            throw new IllegalArgumentException("series " + labels + ": " + ts.length + " timestamps but "
                    + vs.length + " values");
        }
    }

    public int size() {
        return ts.length;
    }
}
