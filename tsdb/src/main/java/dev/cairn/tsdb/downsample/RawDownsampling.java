package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.BlockChunk;

import java.util.List;

/**
 * Raw samples of one series to aggregate chunks (Thanos's DownsampleRaw). The samples are cut into
 * batches of about equal size, each extended to the end of the window of its last sample so that a
 * window never spans two chunks; NaN samples are left out (stale markers were dropped on reading).
 * Each batch becomes one aggregate chunk whose counter aggregate starts with the batch's first raw
 * value and ends with its last raw value repeated at the last window's timestamp.
 */
final class RawDownsampling {
    private final SampleBuffer batch = new SampleBuffer();

    /** Appends to {@code out} the chunks for samples {@code in} (time-ordered) at {@code resolution}. */
    void downsample(SampleBuffer in, long resolution, List<BlockChunk> out) {
        int n = in.n;
        if (n == 0) {
            return;
        }
        long[] ts = in.ts;
        double[] vs = in.vs;
        int numChunks = Windows.targetChunkCount(ts[0], ts[n - 1], Windows.ASSUMED_RAW_INTERVAL, resolution, n);
        int batchSize = n / numChunks + 1;
        int i = 0;
        while (i < n) {
            int j = Math.min(i + batchSize, n);
            long end = Windows.windowEnd(ts[j - 1], resolution);
            while (j < n && ts[j] <= end) {
                j++;
            }
            batch.clear();
            for (int k = i; k < j; k++) {
                if (!Double.isNaN(vs[k])) {
                    batch.add(ts[k], vs[k]);
                }
            }
            i = j;
            if (batch.n > 0) {
                out.add(encodeBatch(batch, resolution));
            }
        }
    }

    private static BlockChunk encodeBatch(SampleBuffer b, long resolution) {
        AggrChunkBuilder ab = new AggrChunkBuilder();
        for (AggrType t : AggrType.ALL) {
            ab.start(t);
        }
        ab.app(AggrType.COUNTER).append(b.ts[0], b.vs[0]);
        long lastT = Windows.batch(b.ts, b.vs, 0, b.n, resolution, new Aggregator(), ab::addAll);
        ab.app(AggrType.COUNTER).append(lastT, b.vs[b.n - 1]);
        return ab.build();
    }
}
