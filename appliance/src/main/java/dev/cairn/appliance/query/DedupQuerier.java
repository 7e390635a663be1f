package dev.cairn.appliance.query;

import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;

/**
 * A querier whose series are deduplicated over the given replica labels ({@link DedupSeriesSet});
 * label names leave the replica labels out, as Thanos's querier does with deduplication on. Label
 * values are those of the inner querier. Closing closes the inner querier.
 */
public final class DedupQuerier implements Querier {
    private final Querier inner;
    private final List<String> replicaLabels;

    public DedupQuerier(Querier inner, List<String> replicaLabels) {
        this.inner = inner;
        this.replicaLabels = List.copyOf(replicaLabels);
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return new DedupSeriesSet(inner.select(matchers), replicaLabels);
    }

    @Override
    public SeriesSet select(dev.cairn.tsdb.storage.SelectHints hints, List<Matcher> matchers) {
        return new DedupSeriesSet(inner.select(hints, matchers), replicaLabels);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return inner.labelValues(name, matchers);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        List<String> out = new ArrayList<>(inner.labelNames(matchers));
        out.removeAll(replicaLabels);
        return out;
    }

    @Override
    public void close() {
        inner.close();
    }
}
