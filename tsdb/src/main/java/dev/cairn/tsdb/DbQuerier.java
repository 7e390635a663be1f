package dev.cairn.tsdb;

import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Blocks and head read as one: series merged by labels, samples by time, duplicates once. */
final class DbQuerier implements Querier {
    private static final SeriesSet EMPTY = new SeriesSet() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public Series at() {
            throw new IllegalStateException("empty series set");
        }
    };

    private final List<Querier> parts;

    DbQuerier(List<Querier> parts) {
        this.parts = parts;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        if (parts.isEmpty()) {
            return EMPTY;
        }
        List<SeriesSet> sets = new ArrayList<>(parts.size());
        for (Querier q : parts) {
            sets.add(q.select(matchers));
        }
        return MergeSeriesSet.of(sets);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (Querier q : parts) {
            out.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (Querier q : parts) {
            out.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        for (Querier q : parts) {
            q.close();
        }
    }
}
