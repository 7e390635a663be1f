package dev.cairn.tsdb;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Blocks and head read as one: series merged by labels, samples by time, duplicates once. Each call reads
 * the head first and the Db's block list after it: a block cut in between is then in the list before the
 * head drops its samples (the compactor adds a block, then truncates the head), so no sample falls between
 * the two; the other order lost a block's samples to a cut during the query.
 */
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

    private final Db db;
    private final long mint;
    private final long maxt;
    /** The head's querier, null when the head held nothing in range when this querier was made. */
    private final Querier head;
    private final List<Querier> opened = new ArrayList<>();

    DbQuerier(Db db, long mint, long maxt, Querier head) {
        this.db = db;
        this.mint = mint;
        this.maxt = maxt;
        this.head = head;
    }

    /** Queriers of the blocks in range now; closed with this one. */
    private List<Querier> blocks() {
        List<Querier> out = new ArrayList<>();
        for (Block b : db.blocks()) {
            if (b.meta().overlapsClosed(mint, maxt)) {
                Querier q = b.querier(mint, maxt);
                synchronized (opened) {
                    opened.add(q);
                }
                out.add(q);
            }
        }
        return out;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        List<SeriesSet> sets = new ArrayList<>();
        SeriesSet fromHead = head == null ? null : head.select(matchers);
        for (Querier q : blocks()) {
            sets.add(q.select(matchers));
        }
        if (fromHead != null) {
            sets.add(fromHead);
        }
        return sets.isEmpty() ? EMPTY : MergeSeriesSet.of(sets);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        if (head != null) {
            out.addAll(head.labelValues(name, matchers));
        }
        for (Querier q : blocks()) {
            out.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        if (head != null) {
            out.addAll(head.labelNames(matchers));
        }
        for (Querier q : blocks()) {
            out.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        if (head != null) {
            head.close();
        }
        synchronized (opened) {
            for (Querier q : opened) {
                q.close();
            }
            opened.clear();
        }
    }
}
