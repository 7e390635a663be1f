package dev.cairn.tsdb.storage;

import dev.cairn.tsdb.labels.Matcher;

import java.io.Closeable;
import java.util.List;

/**
 * Reads series over a fixed time range [mint, maxt] (ms, inclusive) of some storage: a block, the
 * head, a merge of both, later a StoreAPI. The seam PromQL reads through, as Prometheus's
 * storage.Querier. Closing releases what the series sets hold; sets must not be used after it.
 */
public interface Querier extends Closeable {
    /** Series matching all matchers, sorted by labels, samples clipped to the querier's range. */
    SeriesSet select(List<Matcher> matchers);

    /**
     * As {@link #select(List)}, told what the query will do with the series ({@link SelectHints}).
     * Storage that can use the hints (downsampled blocks) overrides this; queriers that wrap others
     * pass the hints on.
     */
    default SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        return select(matchers);
    }

    /** Sorted label values of {@code name} among series matching the matchers (all series if none). */
    List<String> labelValues(String name, List<Matcher> matchers);

    /** Sorted label names among series matching the matchers (all series if none). */
    List<String> labelNames(List<Matcher> matchers);

    @Override
    void close();
}
