package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which blocks are due for downsampling, by Thanos's rules (cmd/thanos/downsample.go): a raw block
 * spanning at least 40 hours goes to 5m, a 5m block spanning at least 10 days goes to 1h, and a block is
 * skipped when every one of its sources already has a downsampled block at the target resolution.
 * 1h blocks are final. The spans make sure a downsampled block gets about two chunks per series, and
 * must match the block ranges the compactor builds, or some data would never be downsampled.
 */
public final class DownsamplePlanner {
    /** A raw block must span this long (ms) to go to 5m. */
    public static final long MIN_SPAN_FOR_5M = 40L * 60 * 60 * 1000;
    /** A 5m block must span this long (ms) to go to 1h. */
    public static final long MIN_SPAN_FOR_1H = 10L * 24 * 60 * 60 * 1000;

    /** A block to downsample and the resolution to downsample it to. */
    public record Job(BlockMeta block, long targetResolution) {
    }

    private DownsamplePlanner() {
    }

    /**
     * The downsampling jobs for the blocks of one bucket, in ULID order.
     *
     * @throws IllegalArgumentException for a block of a resolution other than raw, 5m or 1h
     */
    public static List<Job> plan(List<BlockMeta> metas) {
        Set<Ulid> sources5m = new HashSet<>();
        Set<Ulid> sources1h = new HashSet<>();
        for (BlockMeta m : metas) {
            long res = resolution(m);
            if (res == Downsampler.RES_5M) {
                sources5m.addAll(m.compaction().sources());
            } else if (res == Downsampler.RES_1H) {
                sources1h.addAll(m.compaction().sources());
            } else if (res != Downsampler.RES_RAW) {
                throw new IllegalArgumentException("block " + m.ulid() + " has downsample resolution " + res
                    + " ms; only 0, " + Downsampler.RES_5M + " and " + Downsampler.RES_1H + " exist");
            }
        }
        List<BlockMeta> sorted = new ArrayList<>(metas);
        sorted.sort((a, b) -> a.ulid().toString().compareTo(b.ulid().toString()));
        List<Job> jobs = new ArrayList<>();
        for (BlockMeta m : sorted) {
            long res = resolution(m);
            long span = m.maxTime() - m.minTime();
            if (res == Downsampler.RES_RAW) {
                if (!sources5m.containsAll(m.compaction().sources()) && span >= MIN_SPAN_FOR_5M) {
                    jobs.add(new Job(m, Downsampler.RES_5M));
                }
            } else if (res == Downsampler.RES_5M) {
                if (!sources1h.containsAll(m.compaction().sources()) && span >= MIN_SPAN_FOR_1H) {
                    jobs.add(new Job(m, Downsampler.RES_1H));
                }
            }
        }
        return jobs;
    }

    /** A block's downsample resolution: 0 without a Thanos section. */
    public static long resolution(BlockMeta m) {
        ThanosMeta t = m.thanos();
        return t == null ? Downsampler.RES_RAW : t.downsampleResolution();
    }
}
