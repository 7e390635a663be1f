package dev.cairn.storeapi.remotewrite;

import dev.cairn.tsdb.labels.Labels;

/**
 * One series of a remote write request: labels (validated: metric name present, names valid,
 * sorted, unique) and its float samples as parallel arrays of equal length, in the order the
 * sender put them (Prometheus senders send them in time order; the head judges order).
 *
 * <p>The arrays belong to the receiver of this record; nobody else writes them.
 */
public record DecodedSeries(Labels labels, long[] timestamps, double[] values) {
    public DecodedSeries {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    "timestamps and values differ in length: " + timestamps.length + " vs " + values.length);
        }
    }

    public int sampleCount() {
        return timestamps.length;
    }
}
