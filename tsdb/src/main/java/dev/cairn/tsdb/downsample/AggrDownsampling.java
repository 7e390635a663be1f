package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorChunk;

import java.util.List;

/**
 * Aggregate chunks of one series to coarser aggregate chunks (Thanos's downsampleAggr). Input chunks
 * are grouped whole, never split: a counter aggregate's first and last values are the true raw values
 * only at chunk boundaries, and they must survive every round of downsampling. Count and sum windows
 * are summed, min and max windows take the min and max; the counter is rebuilt from the input counters
 * with resets applied ({@link CounterResetsIterator}), then framed again by the true first and last raw
 * values.
 */
final class AggrDownsampling {
    private final SampleBuffer buf = new SampleBuffer();

    /**
     * Appends to {@code out} the chunks for {@code chunks} (time-ordered, covering [mint, maxt]) going
     * from {@code inRes} to {@code outRes}.
     */
    void downsample(List<AggrChunk> chunks, long mint, long maxt, long inRes, long outRes, List<BlockChunk> out) {
        if (chunks.isEmpty()) {
            return;
        }
        int numSamples = 0;
        for (AggrChunk c : chunks) {
            numSamples += c.numSamples();
        }
        int numChunks = Windows.targetChunkCount(mint, maxt, inRes, outRes, numSamples);
        // Thanos divides without a floor of 1; more target chunks than input chunks would never finish.
        int batchSize = Math.max(1, chunks.size() / numChunks);
        for (int i = 0; i < chunks.size(); i += batchSize) {
            out.add(downsampleBatch(chunks.subList(i, Math.min(i + batchSize, chunks.size())), outRes));
        }
    }

    private BlockChunk downsampleBatch(List<AggrChunk> part, long resolution) {
        AggrChunkBuilder ab = new AggrChunkBuilder();
        // Counts of the input windows add up, as do their sums.
        generic(AggrType.COUNT, part, ab, resolution);
        generic(AggrType.SUM, part, ab, resolution);
        generic(AggrType.MIN, part, ab, resolution);
        generic(AggrType.MAX, part, ab, resolution);

        ChunkIterator[] its = new ChunkIterator[part.size()];
        int k = 0;
        for (AggrChunk c : part) {
            XorChunk x = c.get(AggrType.COUNTER);
            if (x != null) {
                its[k++] = x.iterator(null);
            }
        }
        CounterResetsIterator it = new CounterResetsIterator(java.util.Arrays.copyOf(its, k));
        buf.clear();
        buf.expand(it);
        if (buf.n == 0) {
            return ab.build();
        }
        ab.start(AggrType.COUNTER).append(buf.ts[0], buf.vs[0]);
        long lastT = Windows.batch(buf.ts, buf.vs, 0, buf.n, resolution, new Aggregator(), (t, a) -> {
            ab.cover(t);
            ab.app(AggrType.COUNTER).append(t, a.counter);
        });
        ab.app(AggrType.COUNTER).append(lastT, it.lastRawValue());
        return ab.build();
    }

    private void generic(AggrType type, List<AggrChunk> part, AggrChunkBuilder ab, long resolution) {
        buf.clear();
        for (AggrChunk c : part) {
            XorChunk x = c.get(type);
            if (x != null) {
                buf.expand(x.iterator(null));
            }
        }
        if (buf.n == 0) {
            return;
        }
        ab.start(type);
        Windows.batch(buf.ts, buf.vs, 0, buf.n, resolution, new Aggregator(), (t, a) -> {
            ab.cover(t);
            ab.app(type).append(t, switch (type) {
                case COUNT, SUM -> a.sum;
                case MIN -> a.min;
                case MAX -> a.max;
                case COUNTER -> throw new AssertionError("counters are not aggregated generically");
            });
        });
    }
}
