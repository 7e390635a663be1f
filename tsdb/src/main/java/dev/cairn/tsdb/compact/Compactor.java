package dev.cairn.tsdb.compact;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.block.BlockCompaction;
import dev.cairn.tsdb.block.BlockDesc;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockSamplesIterator;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.ChunkCutter;
import dev.cairn.tsdb.block.ChunkSeriesCursor;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.ChainSampleIterator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compacts N blocks into one, as Prometheus's LeveledCompactor.Write/populateBlock does.
 *
 * <p>Blocks are taken in (minTime, ULID) order and their series merged by labels. For each series:
 * <ul>
 *   <li>when its chunks from all inputs are disjoint in time and untouched by tombstones, they are
 *       copied byte for byte (the usual case: adjacent 2h blocks into a 6h/24h block);</li>
 *   <li>otherwise ("vertical" compaction of overlapping blocks, or deletions to apply) its samples are
 *       merged by timestamp — one sample kept per timestamp, from the block first in order (Prometheus's
 *       chainSampleIterator keeps one, which one its heap decides) — and re-cut into chunks with the
 *       head's rule ({@link ChunkCutter}).</li>
 * </ul>
 * Chunks wholly deleted are dropped; a series left with nothing is dropped. The new block's range
 * is the union of the inputs' ranges; its compaction level is the inputs' maximum + 1, sources the
 * union of theirs, parents the inputs. Inputs with a Thanos section must agree on external labels
 * and resolution (one compaction group); the output then gets source "compactor".
 *
 * <p>The output is written through {@link BlockWriter}, so a crash leaves only a tmp directory.
 * Inputs are not modified or deleted: the caller removes them once the new block is in place.
 */
public final class Compactor {
    private final Path outputDir;
    private final long chunkRange;

    /** Writes new blocks under {@code outputDir}, cutting re-encoded chunks with promtool's 4h chunk range. */
    public Compactor(Path outputDir) {
        this(outputDir, ChunkCutter.PROMTOOL_CHUNK_RANGE);
    }

    public Compactor(Path outputDir, long chunkRange) {
        this.outputDir = outputDir;
        this.chunkRange = chunkRange;
    }

    /** As {@link #compact(List, Ulid)} with a new ULID. */
    public BlockMeta compact(List<Block> blocks) throws IOException {
        return compact(blocks, Ulid.generate());
    }

    /**
     * Writes the compaction of {@code blocks} as block {@code ulid} under the output directory.
     *
     * @return the new block's meta, or null when the inputs hold no samples (no block is written)
     * @throws IllegalArgumentException for no inputs, or inputs from different Thanos compaction groups
     */
    public BlockMeta compact(List<Block> blocks, Ulid ulid) throws IOException {
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("nothing to compact: no blocks given");
        }
        List<Block> sorted = new ArrayList<>(blocks);
        sorted.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()).thenComparing(b -> b.meta().ulid()));
        BlockMeta plan = plannedMeta(sorted, ulid);
        BlockWriter.Options opts = BlockWriter.Options.defaults().withUlid(ulid).withChunkRange(chunkRange)
                .withRange(plan.minTime(), plan.maxTime()).withCompaction(plan.compaction()).withThanos(plan.thanos());
        try (BlockWriter w = BlockWriter.create(outputDir, opts)) {
            mergeSeries(sorted, w);
            if (w.numSeries() == 0) {
                return null;
            }
            return w.commit();
        }
    }

    private void mergeSeries(List<Block> sorted, BlockWriter w) throws IOException {
        int n = sorted.size();
        ChunkSeriesCursor[] cursors = new ChunkSeriesCursor[n];
        boolean[] live = new boolean[n];
        for (int i = 0; i < n; i++) {
            cursors[i] = sorted.get(i).chunkSeries();
            live[i] = cursors[i].next();
        }
        List<ChunkSeriesCursor> group = new ArrayList<>(n);
        while (true) {
            Labels min = null;
            for (int i = 0; i < n; i++) {
                if (live[i] && (min == null || Utf8Order.LABELS.compare(cursors[i].labels(), min) < 0)) {
                    min = cursors[i].labels();
                }
            }
            if (min == null) {
                return;
            }
            group.clear();
            for (int i = 0; i < n; i++) {
                if (live[i] && cursors[i].labels().equals(min)) {
                    group.add(cursors[i]);
                }
            }
            writeSeries(min, group, w);
            for (int i = 0; i < n; i++) {
                if (live[i] && cursors[i].labels().equals(min)) {
                    live[i] = cursors[i].next();
                }
            }
        }
    }

    private static void writeSeries(Labels labels, List<ChunkSeriesCursor> parts, BlockWriter w) throws IOException {
        List<long[]> kept = new ArrayList<>(parts.size());
        boolean reencode = false;
        int total = 0;
        for (ChunkSeriesCursor c : parts) {
            long[] chunks = c.chunks();
            long[] deleted = c.deleted();
            if (deleted != null) {
                // drop chunks deleted entirely; any other chunk touched by a deletion needs re-encoding
                long[] left = new long[chunks.length];
                int k = 0;
                for (int j = 0; j < chunks.length; j += 3) {
                    int cover = coverage(deleted, chunks[j + 1], chunks[j + 2]);
                    if (cover == 2) {
                        continue;
                    }
                    if (cover == 1) {
                        reencode = true;
                    }
                    System.arraycopy(chunks, j, left, k, 3);
                    k += 3;
                }
                chunks = java.util.Arrays.copyOf(left, k);
            }
            kept.add(chunks);
            total += chunks.length / 3;
        }
        if (total == 0) {
            return;
        }
        if (!reencode && parts.size() > 1) {
            reencode = overlapping(kept);
        }
        if (!reencode) {
            List<BlockChunk> out = new ArrayList<>(total);
            for (int i = 0; i < parts.size(); i++) {
                long[] chunks = kept.get(i);
                for (int j = 0; j < chunks.length; j += 3) {
                    out.add(new BlockChunk(chunks[j + 1], chunks[j + 2], parts.get(i).block().chunks().chunk(chunks[j])));
                }
            }
            out.sort(Comparator.comparingLong(BlockChunk::minTime));
            w.addChunks(labels, out);
            return;
        }
        ChunkIterator[] its = new ChunkIterator[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            ChunkSeriesCursor c = parts.get(i);
            its[i] = new BlockSamplesIterator(c.block().chunks(), kept.get(i), c.deleted(), Long.MIN_VALUE, Long.MAX_VALUE);
        }
        w.addSeries(labels, its.length == 1 ? its[0] : new ChainSampleIterator(its));
    }

    /** 0: no deleted interval touches [lo, hi]; 2: one covers it all; 1: partly deleted. */
    private static int coverage(long[] deleted, long lo, long hi) {
        int r = 0;
        for (int i = 0; i < deleted.length; i += 2) {
            if (deleted[i] <= lo && hi <= deleted[i + 1]) {
                return 2;
            }
            if (deleted[i] <= hi && lo <= deleted[i + 1]) {
                r = 1;
            }
        }
        return r;
    }

    /** True when any two chunks from different parts share a millisecond. */
    private static boolean overlapping(List<long[]> parts) {
        List<long[]> spans = new ArrayList<>();
        for (long[] chunks : parts) {
            for (int j = 0; j < chunks.length; j += 3) {
                spans.add(new long[] {chunks[j + 1], chunks[j + 2]});
            }
        }
        spans.sort(Comparator.comparingLong(s -> s[0]));
        for (int i = 1; i < spans.size(); i++) {
            if (spans.get(i)[0] <= spans.get(i - 1)[1]) {
                return true;
            }
        }
        return false;
    }

    /** Range, compaction section and Thanos section of the output (stats come from writing). */
    static BlockMeta plannedMeta(List<Block> sorted, Ulid ulid) {
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        int level = 0;
        TreeSet<Ulid> sources = new TreeSet<>();
        List<BlockDesc> parents = new ArrayList<>();
        ThanosMeta thanos = null;
        boolean anyThanos = false;
        boolean allThanos = true;
        for (Block b : sorted) {
            BlockMeta m = b.meta();
            mint = Math.min(mint, m.minTime());
            maxt = Math.max(maxt, m.maxTime());
            level = Math.max(level, m.compaction().level());
            if (m.compaction().sources().isEmpty()) {
                sources.add(m.ulid());
            } else {
                sources.addAll(m.compaction().sources());
            }
            parents.add(m.desc());
            ThanosMeta t = m.thanos();
            if (t == null) {
                allThanos = false;
                continue;
            }
            if (thanos == null) {
                thanos = new ThanosMeta(t.labels(), t.downsampleResolution(), ThanosMeta.SOURCE_COMPACTOR);
                anyThanos = true;
            } else if (!Objects.equals(thanos.labels(), t.labels()) || thanos.downsampleResolution() != t.downsampleResolution()) {
                throw new IllegalArgumentException("cannot compact blocks of different groups: " + sorted.get(0)
                        + " has labels " + thanos.labels() + " at resolution " + thanos.downsampleResolution()
                        + ", " + b + " has " + t.labels() + " at " + t.downsampleResolution());
            }
        }
        if (anyThanos && !allThanos) {
            throw new IllegalArgumentException("cannot compact Thanos blocks with plain Prometheus blocks: some of "
                    + sorted + " have no thanos section; give them external labels first");
        }
        BlockCompaction c = new BlockCompaction(level + 1, new ArrayList<>(sources), false, parents, false, List.of());
        return new BlockMeta(ulid, mint, maxt, dev.cairn.tsdb.block.BlockStats.EMPTY, c, BlockMeta.VERSION_1, thanos);
    }
}
