package dev.cairn.agent.sidecar;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.chunk.XorIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;
import java.util.List;

/**
 * One series of a remote read answer: Prometheus's XOR chunks in time order. Prometheus sends whole
 * chunks, which may reach outside the asked range, so samples outside [mint, maxt] are skipped, and
 * so are samples at or before the last one given (head and block chunks may overlap).
 */
record ReadSeries(Labels labels, List<XorChunk> chunks, long mint, long maxt) implements Series {
    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        Samples s = reuse instanceof Samples r ? r : new Samples();
        s.reset(this);
        return s;
    }

    private static final class Samples implements ChunkIterator {
        private ReadSeries series;
        private XorIterator it;
        private int chunk;
        private boolean inChunk;
        private boolean done;
        private long t;
        private double v;

        void reset(ReadSeries s) {
            series = s;
            chunk = -1;
            inChunk = false;
            done = false;
            t = Long.MIN_VALUE;
        }

        @Override
        public boolean next() {
            while (!done) {
                if (!inChunk) {
                    if (++chunk >= series.chunks.size()) {
                        done = true;
                        return false;
                    }
                    it = series.chunks.get(chunk).iterator(it);
                    inChunk = true;
                }
                if (!it.next()) {
                    inChunk = false;
                    continue;
                }
                long ct = it.atT();
                if (ct > series.maxt) {
                    inChunk = false; // the rest of this chunk is later still
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
            if (done) {
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
