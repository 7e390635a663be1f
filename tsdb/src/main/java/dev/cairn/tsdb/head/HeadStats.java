package dev.cairn.tsdb.head;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link Head}, named after Prometheus's {@code prometheus_tsdb_head_*} metrics so a
 * /metrics exporter can map them one to one. Thread-safe; cheap to bump on the append path.
 */
public final class HeadStats {
    final LongAdder samplesAppended = new LongAdder();
    final LongAdder outOfOrderSamples = new LongAdder();
    final LongAdder outOfBoundsSamples = new LongAdder();
    final LongAdder duplicateSamples = new LongAdder();
    final LongAdder seriesCreated = new LongAdder();
    final LongAdder seriesRemoved = new LongAdder();
    final LongAdder chunksCreated = new LongAdder();
    final LongAdder chunksRemoved = new LongAdder();

    /** prometheus_tsdb_head_samples_appended_total. */
    public long samplesAppended() {
        return samplesAppended.sum();
    }

    /** prometheus_tsdb_out_of_order_samples_total (rejected at append or, for races between appenders, at commit). */
    public long outOfOrderSamples() {
        return outOfOrderSamples.sum();
    }

    /** prometheus_tsdb_out_of_bound_samples_total. */
    public long outOfBoundsSamples() {
        return outOfBoundsSamples.sum();
    }

    /** Samples rejected with "duplicate sample for timestamp". */
    public long duplicateSamples() {
        return duplicateSamples.sum();
    }

    /** prometheus_tsdb_head_series_created_total. */
    public long seriesCreated() {
        return seriesCreated.sum();
    }

    /** prometheus_tsdb_head_series_removed_total. */
    public long seriesRemoved() {
        return seriesRemoved.sum();
    }

    /** prometheus_tsdb_head_chunks_created_total. */
    public long chunksCreated() {
        return chunksCreated.sum();
    }

    /** prometheus_tsdb_head_chunks_removed_total. */
    public long chunksRemoved() {
        return chunksRemoved.sum();
    }
}
