package dev.cairn.tsdb.downsample;

/**
 * Running statistics of one window (Thanos's floatAggregator): count, sum, min, max of the window, and
 * the counter since the start of the batch with resets added back.
 */
final class Aggregator {
    int total;
    int count;
    double sum;
    double min;
    double max;
    double counter;
    double last;

    void reset() {
        count = 0;
        sum = 0;
        min = Double.MAX_VALUE;
        max = -Double.MAX_VALUE;
    }

    void add(double v) {
        if (total > 0) {
            // A drop is a counter reset: the counter restarted from 0 and grew to v.
            counter += v < last ? v : v - last;
        } else {
            counter = v;
        }
        last = v;
        sum += v;
        count++;
        total++;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }
}
