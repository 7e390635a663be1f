package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.chunk.ChunkIterator;

import java.util.List;

/**
 * Sample iterators over the aggregate chunks of one series, for a query: the entry point the query
 * layer uses once it knows the function ({@link AggrRead#forFunction}).
 */
public final class DownsampledIterators {
    private DownsampledIterators() {
    }

    /**
     * The samples {@code read} gives over {@code chunks} (one series, time order). COUNTER applies
     * resets across all chunks and hides the first/last raw-value markers; the others concatenate the
     * chunks' windows. Chunks lacking the aggregate contribute nothing.
     */
    public static ChunkIterator of(List<AggrChunk> chunks, AggrRead read) {
        ChunkIterator[] its = new ChunkIterator[chunks.size()];
        for (int i = 0; i < its.length; i++) {
            AggrChunk c = chunks.get(i);
            its[i] = read == AggrRead.AVERAGE ? c.iterator(null) : c.iter(read.type());
        }
        if (read == AggrRead.COUNTER) {
            return new CounterResetsIterator(its);
        }
        return new Concat(its);
    }

    /** Chunks' iterators one after the other; a sample not after the previous one is dropped. */
    private static final class Concat implements ChunkIterator {
        private final ChunkIterator[] its;
        private int i;
        private long t = Long.MIN_VALUE;
        private double v;
        private boolean started;

        Concat(ChunkIterator[] its) {
            this.its = its;
        }

        @Override
        public boolean next() {
            while (i < its.length) {
                if (!its[i].next()) {
                    i++;
                    continue;
                }
                if (started && its[i].atT() <= t) {
                    continue;
                }
                started = true;
                t = its[i].atT();
                v = its[i].atV();
                return true;
            }
            return false;
        }

        @Override
        public boolean seek(long target) {
            if (started && i < its.length && t >= target) {
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
