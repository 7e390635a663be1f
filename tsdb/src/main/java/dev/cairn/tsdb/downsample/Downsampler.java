package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.ChunkSeriesCursor;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkEncoding;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the downsampled copy of a block, as Thanos's {@code downsample.Downsample}: every series of
 * the input, in index order, with its samples (raw input) or aggregate chunks (5m input) turned into
 * aggregate chunks at the target resolution. The output keeps the input's time range, compaction
 * section and external labels; its Thanos section gets the new resolution and source "compactor".
 *
 * <p>Raw input: per series all samples are read (stale markers dropped) and cut per window
 * ({@link RawDownsampling}). Aggregate input: XOR chunks that a broken writer left in a downsampled
 * block are first downsampled to 5m, as Thanos repairs them; empty ones are dropped. Series left with
 * no samples are not written. Tombstones of the input are not applied (Thanos does not either).
 * Native histograms are not supported. Not thread-safe; one instance per thread.
 */
public final class Downsampler {
    /** Raw data. */
    public static final long RES_RAW = 0;
    /** 5 minutes, ms. */
    public static final long RES_5M = 5 * 60 * 1000L;
    /** 1 hour, ms. */
    public static final long RES_1H = 60 * 60 * 1000L;

    private final Path outputDir;
    private final RawDownsampling raw = new RawDownsampling();
    private final AggrDownsampling aggr = new AggrDownsampling();
    private final SampleBuffer samples = new SampleBuffer();

    /** Blocks are written as {@code outputDir/<ULID>}. */
    public Downsampler(Path outputDir) {
        this.outputDir = outputDir;
    }

    /** Downsamples {@code in} to {@code resolution} into a new block with a fresh ULID; returns its meta. */
    public BlockMeta downsample(Block in, long resolution) throws IOException {
        return downsample(in, resolution, Ulid.generate());
    }

    /**
     * @throws IllegalArgumentException when {@code resolution} is not coarser than the block's
     */
    public BlockMeta downsample(Block in, long resolution, Ulid ulid) throws IOException {
        BlockMeta meta = in.meta();
        ThanosMeta thanos = meta.thanos();
        long inRes = thanos == null ? RES_RAW : thanos.downsampleResolution();
        if (inRes >= resolution) {
            throw new IllegalArgumentException("cannot downsample block " + meta.ulid() + " of resolution " + inRes
                + " ms to " + resolution + " ms: the target resolution must be coarser than the block's");
        }
        ThanosMeta outThanos = thanos == null
            ? new ThanosMeta(Map.of(), resolution, ThanosMeta.SOURCE_COMPACTOR)
            : new ThanosMeta(thanos.version(), thanos.labels(), resolution, ThanosMeta.SOURCE_COMPACTOR,
                List.of(), List.of(), thanos.extra());
        BlockWriter.Options opts = BlockWriter.Options.defaults().withUlid(ulid)
            .withRange(meta.minTime(), meta.maxTime()).withCompaction(meta.compaction()).withThanos(outThanos);
        try (BlockWriter w = BlockWriter.create(outputDir, opts)) {
            ChunkSeriesCursor cur = in.chunkSeries();
            List<BlockChunk> out = new ArrayList<>();
            List<AggrChunk> aggrs = new ArrayList<>();
            List<BlockChunk> fixed = new ArrayList<>();
            while (cur.next()) {
                long[] chks = cur.chunks();
                checkOrdered(in, cur, chks);
                out.clear();
                if (inRes == RES_RAW) {
                    samples.clear();
                    for (int i = 0; i < chks.length; i += 3) {
                        Chunk c = in.chunks().chunk(chks[i]);
                        requireXor(in, cur, c);
                        samples.expand(c.iterator(null));
                    }
                    raw.downsample(samples, resolution, out);
                } else {
                    fixed.clear();
                    for (int i = 0; i < chks.length; i += 3) {
                        Chunk c = in.chunks().chunk(chks[i]);
                        if (c.encoding() == ChunkEncoding.AGGR) {
                            fixed.add(new BlockChunk(chks[i + 1], chks[i + 2], AggrChunk.of(c)));
                            continue;
                        }
                        requireXor(in, cur, c);
                        if (c.numSamples() == 0) {
                            continue;
                        }
                        // A raw chunk inside a downsampled block (an old Thanos bug): repair it to 5m first.
                        samples.clear();
                        samples.expand(c.iterator(null));
                        raw.downsample(samples, RES_5M, fixed);
                    }
                    aggrs.clear();
                    for (BlockChunk f : fixed) {
                        aggrs.add((AggrChunk) f.chunk());
                    }
                    long mint = fixed.isEmpty() ? 0 : fixed.get(0).minTime();
                    long maxt = fixed.isEmpty() ? 0 : fixed.get(fixed.size() - 1).maxTime();
                    aggr.downsample(aggrs, mint, maxt, inRes, resolution, out);
                }
                w.addChunks(cur.labels(), out);
            }
            return w.commit();
        }
    }

    private static void checkOrdered(Block in, ChunkSeriesCursor cur, long[] chks) {
        for (int i = 3; i < chks.length; i += 3) {
            if (chks[i - 1] >= chks[i + 1]) {
                throw new IllegalStateException("block " + in.meta().ulid() + ": series " + cur.labels()
                    + " has overlapping chunks ([.., " + chks[i - 1] + "] then [" + chks[i + 1]
                    + ", ..]); downsampling needs ordered, non-overlapping chunks — compact or repair the block first");
            }
        }
    }

    private static void requireXor(Block in, ChunkSeriesCursor cur, Chunk c) {
        if (c.encoding() != ChunkEncoding.XOR) {
            throw new UnsupportedOperationException("block " + in.meta().ulid() + ": series " + cur.labels()
                + " has a " + c.encoding() + " chunk; Cairn downsamples float series only");
        }
    }
}
