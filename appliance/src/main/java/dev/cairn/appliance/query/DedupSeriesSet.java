package dev.cairn.appliance.query;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Turns series that differ only in replica labels into one series without them (Thanos's
 * dedup.SeriesSet). Removing a label changes the order (…{replica="a",zone="x"} sorts before
 * …{replica="b",zone="w"}, but without the replica label "w" comes first), so the input is read
 * whole, relabelled and stably re-sorted, as Thanos's querier re-sorts a proxy answer before
 * deduplicating; replicas of a series then sit next to each other, in their original order. Each
 * group becomes one series whose samples come from nested {@link DedupIterator}s.
 */
final class DedupSeriesSet implements SeriesSet {
    private final List<Series> out;
    private int i = -1;

    DedupSeriesSet(SeriesSet in, Collection<String> replicaLabels) {
        List<Series> stripped = new ArrayList<>();
        while (in.next()) {
            Series s = in.at();
            stripped.add(new Relabelled(without(s.labels(), replicaLabels), s));
        }
        // List.sort is a stable merge sort: replicas keep their input order
        stripped.sort(Comparator.comparing(Series::labels, Utf8Order.LABELS));
        out = new ArrayList<>(stripped.size());
        int start = 0;
        while (start < stripped.size()) {
            Labels ls = stripped.get(start).labels();
            int end = start + 1;
            while (end < stripped.size() && stripped.get(end).labels().equals(ls)) {
                end++;
            }
            out.add(end - start == 1 ? stripped.get(start)
                    : new DedupSeries(ls, stripped.subList(start, end).toArray(new Series[0])));
            start = end;
        }
    }

    static Labels without(Labels ls, Collection<String> names) {
        boolean any = false;
        for (String n : names) {
            if (ls.has(n)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return ls;
        }
        Labels.Builder b = ls.toBuilder();
        for (String n : names) {
            b.delete(n);
        }
        return b.build();
    }

    @Override
    public boolean next() {
        if (i < out.size()) {
            i++;
        }
        return i < out.size();
    }

    @Override
    public Series at() {
        return out.get(i);
    }

    /** A series under its labels without replica labels. */
    private record Relabelled(Labels labels, Series inner) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            return inner.iterator(reuse);
        }
    }

    /** Replicas of one series read as one. */
    private record DedupSeries(Labels labels, Series[] replicas) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            ChunkIterator it = replicas[0].iterator(null);
            for (int r = 1; r < replicas.length; r++) {
                it = new DedupIterator(it, replicas[r].iterator(null));
            }
            return it;
        }
    }
}
