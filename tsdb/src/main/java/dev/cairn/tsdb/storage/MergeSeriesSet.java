package dev.cairn.tsdb.storage;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges several label-sorted {@link SeriesSet}s into one: series are yielded in label order (Go's
 * UTF-8 order, {@link Utf8Order#LABELS}, the order of an index), and
 * series with equal labels in several sets become one series whose samples are merged by a
 * {@link ChainSampleIterator} (equal timestamps de-duplicated, the earlier set winning). This is
 * how overlapping blocks (and a head with blocks) read as one storage, as Prometheus's
 * NewMergeSeriesSet with ChainedSeriesMerge.
 */
public final class MergeSeriesSet implements SeriesSet {
    private final SeriesSet[] sets;
    private final Series[] heads;
    private Series current;

    public MergeSeriesSet(List<? extends SeriesSet> sets) {
        this.sets = sets.toArray(new SeriesSet[0]);
        this.heads = new Series[this.sets.length];
        for (int i = 0; i < this.sets.length; i++) {
            heads[i] = this.sets[i].next() ? this.sets[i].at() : null;
        }
    }

    /** A merge of {@code sets}, or the set itself when there is only one. */
    public static SeriesSet of(List<? extends SeriesSet> sets) {
        return sets.size() == 1 ? sets.get(0) : new MergeSeriesSet(sets);
    }

    @Override
    public boolean next() {
        Labels min = null;
        for (Series s : heads) {
            if (s != null && (min == null || Utf8Order.LABELS.compare(s.labels(), min) < 0)) {
                min = s.labels();
            }
        }
        if (min == null) {
            current = null;
            return false;
        }
        List<Series> same = new ArrayList<>(2);
        for (int i = 0; i < heads.length; i++) {
            if (heads[i] != null && heads[i].labels().equals(min)) {
                same.add(heads[i]);
                heads[i] = sets[i].next() ? sets[i].at() : null;
            }
        }
        current = same.size() == 1 ? same.get(0) : new ChainedSeries(min, same.toArray(new Series[0]));
        return true;
    }

    @Override
    public Series at() {
        return current;
    }

    /** One series stored in several places. */
    private record ChainedSeries(Labels labels, Series[] parts) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            ChunkIterator[] its = new ChunkIterator[parts.length];
            for (int i = 0; i < parts.length; i++) {
                its[i] = parts[i].iterator(null);
            }
            return new ChainSampleIterator(its);
        }
    }
}
