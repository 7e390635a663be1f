package dev.cairn.appliance.query;

import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.List;

/** A {@link SeriesSet} over a list already sorted by labels. */
final class ListSeriesSet implements SeriesSet {
    private final List<? extends Series> series;
    private int i = -1;

    ListSeriesSet(List<? extends Series> series) {
        this.series = series;
    }

    @Override
    public boolean next() {
        if (i < series.size()) {
            i++;
        }
        return i < series.size();
    }

    @Override
    public Series at() {
        return series.get(i);
    }
}
