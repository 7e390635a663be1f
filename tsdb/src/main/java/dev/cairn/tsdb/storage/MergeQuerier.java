package dev.cairn.tsdb.storage;

import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One {@link Querier} over several (blocks of a directory, later head + blocks): series merged by
 * {@link MergeSeriesSet} (a series present in several queriers is one series, its samples merged
 * once per timestamp, the earlier querier winning on equal timestamps), label names and values the
 * sorted union. Closing it closes every querier it merges.
 */
public final class MergeQuerier implements Querier {
    private final List<Querier> queriers;

    public MergeQuerier(List<? extends Querier> queriers) {
        this.queriers = List.copyOf(queriers);
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        List<SeriesSet> sets = new ArrayList<>(queriers.size());
        for (Querier q : queriers) {
            sets.add(q.select(matchers));
        }
        if (sets.isEmpty()) {
            return new MergeSeriesSet(sets);
        }
        return MergeSeriesSet.of(sets);
    }

    @Override
    public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        List<SeriesSet> sets = new ArrayList<>(queriers.size());
        for (Querier q : queriers) {
            sets.add(q.select(hints, matchers));
        }
        return sets.isEmpty() ? new MergeSeriesSet(sets) : MergeSeriesSet.of(sets);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (Querier q : queriers) {
            out.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (Querier q : queriers) {
            out.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Querier q : queriers) {
            try {
                q.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
