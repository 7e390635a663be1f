package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.index.IndexReader;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.PostingsForMatchers;
import dev.cairn.tsdb.index.SeriesBuilder;
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
 * A {@link Querier} over one block for [mint, maxt] (inclusive): matchers select postings through
 * the index ({@link PostingsForMatchers}), postings give series entries, entries give chunk refs,
 * chunks give samples, clipped to the range and with the block's tombstones removed.
 *
 * <p>As Prometheus's blockQuerier: series are yielded in index order (labels sorted); chunks outside
 * the range, or wholly deleted, are skipped without being read; a series none of whose chunks is left
 * is not yielded at all. A series whose chunks overlap the range but whose samples all fall outside it
 * is still yielded, with no samples, as Prometheus does. Label names and values come from the whole
 * block, not only from the range.
 */
final class BlockQuerier implements Querier {
    private final Block block;
    private final long mint;
    private final long maxt;
    private boolean closed;

    BlockQuerier(Block block, long mint, long maxt) {
        this.block = block;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        ensureOpen();
        if (matchers.isEmpty() || maxt < block.meta().minTime() || mint >= block.meta().maxTime()) {
            return EMPTY;
        }
        return new BlockSeriesSet(PostingsForMatchers.select(block.index(), matchers));
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        ensureOpen();
        IndexReader ix = block.index();
        if (matchers.isEmpty()) {
            return ix.labelValues(name);
        }
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        Postings p = PostingsForMatchers.select(ix, matchers);
        SeriesBuilder sb = new SeriesBuilder();
        while (p.next()) {
            if (ix.series(p.at(), sb)) {
                String v = sb.labels().get(name);
                if (!v.isEmpty()) {
                    out.add(v);
                }
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        ensureOpen();
        IndexReader ix = block.index();
        if (matchers.isEmpty()) {
            return ix.labelNames();
        }
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        Postings p = PostingsForMatchers.select(ix, matchers);
        SeriesBuilder sb = new SeriesBuilder();
        while (p.next()) {
            if (ix.series(p.at(), sb)) {
                Labels l = sb.labels();
                for (int i = 0; i < l.size(); i++) {
                    out.add(l.name(i));
                }
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("querier over " + block + " is closed");
        }
    }

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

    /** Walks postings, keeping the series with chunks left in range after deletions. */
    private final class BlockSeriesSet implements SeriesSet {
        private final Postings postings;
        private final SeriesBuilder sb = new SeriesBuilder();
        private Series current;

        BlockSeriesSet(Postings postings) {
            this.postings = postings;
        }

        @Override
        public boolean next() {
            ensureOpen();
            while (postings.next()) {
                long ref = postings.at();
                if (!block.index().series(ref, sb)) {
                    throw new dev.cairn.tsdb.encoding.CorruptionException(block.index().file(), ref * 16,
                            "postings point at series ref " + ref + " outside the series section");
                }
                long[] deleted = block.tombstones().intervals(ref);
                List<ChunkMeta> all = sb.chunks();
                int kept = 0;
                long[] refs = new long[all.size() * 3];
                for (ChunkMeta cm : all) {
                    if (cm.maxTime() < mint || cm.minTime() > maxt || coveredBy(deleted, cm.minTime(), cm.maxTime())) {
                        continue;
                    }
                    refs[3 * kept] = cm.ref();
                    refs[3 * kept + 1] = cm.minTime();
                    refs[3 * kept + 2] = cm.maxTime();
                    kept++;
                }
                if (kept == 0) {
                    continue;
                }
                current = new BlockSeries(sb.labels(), java.util.Arrays.copyOf(refs, 3 * kept), deleted);
                return true;
            }
            current = null;
            return false;
        }

        @Override
        public Series at() {
            return current;
        }
    }

    /** True when one deleted interval covers all of [mint, maxt]. */
    private static boolean coveredBy(long[] deleted, long lo, long hi) {
        if (deleted == null) {
            return false;
        }
        for (int i = 0; i < deleted.length; i += 2) {
            if (deleted[i] <= lo && hi <= deleted[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** One series: chunk refs in time order, read lazily when iterated. */
    private final class BlockSeries implements Series {
        private final Labels labels;
        private final long[] chunks;
        private final long[] deleted;

        BlockSeries(Labels labels, long[] chunks, long[] deleted) {
            this.labels = labels;
            this.chunks = chunks;
            this.deleted = deleted;
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            return new BlockSamplesIterator(block.chunks(), chunks, deleted, mint, maxt);
        }
    }
}
