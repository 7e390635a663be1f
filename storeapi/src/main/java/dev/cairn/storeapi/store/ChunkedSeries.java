package dev.cairn.storeapi.store;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.chunk.XorIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;
import java.util.List;

/**
 * A series from XOR chunks in start-time order, as a StoreAPI answers: samples outside [mint, maxt]
 * are skipped (a store may send whole chunks reaching past the range) and so are samples at or
 * before the last one given (chunks from different sources may overlap).
 */
public final class ChunkedSeries implements Series {
    private final Labels labels;
    private final List<XorChunk> chunks;
    private final long mint;
    private final long maxt;

    /** @param chunks in start-time order; the list is kept (not copied) and may still be appended to */
    public ChunkedSeries(Labels labels, List<XorChunk> chunks, long mint, long maxt) {
        this.labels = labels;
        this.chunks = chunks;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public Labels labels() {
        return labels;
    }

    /** The chunks, live: a reader joining a series split over several frames appends to it. */
    public List<XorChunk> chunks() {
        return chunks;
    }

    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        Samples s = reuse instanceof Samples r ? r : new Samples();
        s.reset(this);
        return s;
    }

    private static final class Samples implements ChunkIterator {
        private ChunkedSeries series;
        private XorIterator it;
        private int chunk;
        private boolean active;
        private boolean exhausted;
        private long t;
        private double v;

        void reset(ChunkedSeries s) {
            series = s;
            chunk = -1;
            active = false;
            exhausted = false;
            t = Long.MIN_VALUE;
        }

        @Override
        public boolean next() {
            while (!exhausted) {
                if (!active) {
                    if (++chunk >= series.chunks.size()) {
                        exhausted = true;
                        return false;
                    }
                    it = series.chunks.get(chunk).iterator(it);
                    active = true;
                }
                if (!it.next()) {
                    active = false;
                    continue;
                }
                long ct = it.atT();
                if (ct > series.maxt) {
                    active = false; // an overlapping later chunk may still hold earlier samples
                    continue;
                }
                if (ct < series.mint || (t != Long.MIN_VALUE && ct <= t)) {
                    continue;
                }
                t = ct;
                v = it.atV();
                return true;
            }
            return false;
        }

        @Override
        public boolean seek(long target) {
            if (exhausted) {
                return false;
            }
            if (t != Long.MIN_VALUE && t >= target) {
                return true;
            }
            while (next()) {
                if (t >= target) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long atT() {
            return t;
        }

        @Override
        public double atV() {
            return v;
        }
    }
}
