package dev.cairn.tsdb.head;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.PostingsForMatchers;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads the head's committed samples in [mint, maxt] (inclusive). {@link #select} takes a snapshot:
 * completed chunks are shared (they never change) and each open chunk is copied as it is at select
 * time, so the series set is stable while appends go on. Series without samples in the range are
 * left out. Thread-safe to create; each series set is for one thread.
 */
public final class HeadQuerier implements Querier {
    private final Head head;
    private final long mint;
    private final long maxt;

    HeadQuerier(Head head, long mint, long maxt) {
        this.head = head;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        List<HeadSeries> out = new ArrayList<>();
        ChunkList scratch = new ChunkList();
        ClippedChunksIterator probe = new ClippedChunksIterator();
        Postings p = PostingsForMatchers.select(head.postings, matchers);
        while (p.next()) {
            MemSeries s = head.series.byId(p.at());
            if (s == null) {
                continue; // removed by a truncation since the postings were read
            }
            synchronized (s) {
                s.chunksOverlapping(mint, maxt, scratch, head.chunks);
            }
            if (scratch.size() > 0) {
                // chunk bounds can straddle the range with no sample inside it (a gap): check one
                probe.reset(scratch, mint, maxt);
                if (probe.next()) {
                    out.add(new HeadSeries(s.labels, scratch.trimmed(), mint, maxt));
                }
                scratch.clear();
            }
        }
        // postings are in id order, a set must be in label order
        out.sort((a, b) -> a.labels.compareTo(b.labels));
        return new ListSeriesSet(out);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        if (!overlapsHead()) {
            return List.of();
        }
        if (matchers.isEmpty()) {
            return head.postings.labelValues(name);
        }
        TreeSet<String> values = new TreeSet<>(Utf8Order.STRINGS);
        Postings p = PostingsForMatchers.select(head.postings, matchers);
        while (p.next()) {
            MemSeries s = head.series.byId(p.at());
            if (s != null && s.labels.has(name)) {
                values.add(s.labels.get(name));
            }
        }
        return new ArrayList<>(values);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        if (!overlapsHead()) {
            return List.of();
        }
        if (matchers.isEmpty()) {
            return head.postings.labelNames();
        }
        TreeSet<String> names = new TreeSet<>(Utf8Order.STRINGS);
        Postings p = PostingsForMatchers.select(head.postings, matchers);
        while (p.next()) {
            MemSeries s = head.series.byId(p.at());
            if (s != null) {
                for (int i = 0; i < s.labels.size(); i++) {
                    names.add(s.labels.name(i));
                }
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Label names and values are those of every head series when the range overlaps the head at all,
     * as Prometheus's head index reader answers; series are not filtered by their own time span.
     */
    private boolean overlapsHead() {
        return head.initialized() && head.minTime() <= maxt && mint <= head.maxTime();
    }

    @Override
    public void close() {
        // snapshots hold no resources
    }

    private static final class ListSeriesSet implements SeriesSet {
        private final List<HeadSeries> series;
        private int i = -1;

        ListSeriesSet(List<HeadSeries> series) {
            this.series = series;
        }

        @Override
        public boolean next() {
            if (i + 1 >= series.size()) {
                i = series.size();
                return false;
            }
            i++;
            return true;
        }

        @Override
        public Series at() {
            return series.get(i);
        }
    }

    /** A series' chunks as of select time, read clipped to the querier's range. */
    private record HeadSeries(Labels labels, ChunkList chunks, long mint, long maxt) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            if (reuse instanceof ClippedChunksIterator it) {
                it.reset(chunks, mint, maxt);
                return it;
            }
            ClippedChunksIterator it = new ClippedChunksIterator();
            it.reset(chunks, mint, maxt);
            return it;
        }
    }
}
