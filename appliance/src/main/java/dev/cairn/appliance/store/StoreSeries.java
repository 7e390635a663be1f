package dev.cairn.appliance.store;

import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkEncoding;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ClippedIterator;
import dev.cairn.tsdb.downsample.AggrChunk;
import dev.cairn.tsdb.downsample.AggrRead;
import dev.cairn.tsdb.downsample.DownsampledIterators;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;

import java.util.ArrayList;
import java.util.List;

/**
 * One series of one bucket block, its chunks already fetched, samples clipped to [mint, maxt]. Raw
 * chunks read as they are; aggregate chunks of downsampled blocks read the aggregate {@code read}
 * names (chosen by the query's function, as Thanos's querier does).
 *
 * @param maxTimes each chunk's last timestamp, to skip chunks on seek without decoding them
 */
record StoreSeries(Labels labels, Chunk[] chunks, long[] maxTimes, long mint, long maxt, AggrRead read)
        implements Series {

    @Override
    public ChunkIterator iterator(ChunkIterator reuse) {
        boolean aggr = false;
        for (Chunk c : chunks) {
            if (c.encoding() == ChunkEncoding.AGGR) {
                aggr = true;
                break;
            }
        }
        if (!aggr) {
            return new ClippedIterator(new RawChunks(chunks, maxTimes), mint, maxt);
        }
        List<AggrChunk> ac = new ArrayList<>(chunks.length);
        for (Chunk c : chunks) {
            ac.add(AggrChunk.of(c));
        }
        return new ClippedIterator(DownsampledIterators.of(ac, read), mint, maxt);
    }

    /** Raw XOR chunks one after the other; chunks ending before a seek target are not decoded. */
    private static final class RawChunks implements ChunkIterator {
        private final Chunk[] chunks;
        private final long[] maxTimes;
        private int next;
        private ChunkIterator cur;
        private ChunkIterator reuse;

        RawChunks(Chunk[] chunks, long[] maxTimes) {
            this.chunks = chunks;
            this.maxTimes = maxTimes;
        }

        @Override
        public boolean next() {
            while (true) {
                if (cur != null && cur.next()) {
                    return true;
                }
                if (next >= chunks.length) {
                    cur = null;
                    return false;
                }
                cur = chunks[next++].iterator(reuse);
                reuse = cur;
            }
        }

        @Override
        public boolean seek(long t) {
            if (cur != null) {
                if (cur.seek(t)) {
                    return true;
                }
                cur = null;
            }
            while (next < chunks.length && maxTimes[next] < t) {
                next++;
            }
            while (next()) {
                if (cur.atT() >= t) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long atT() {
            return cur.atT();
        }

        @Override
        public double atV() {
            return cur.atV();
        }
    }
}
