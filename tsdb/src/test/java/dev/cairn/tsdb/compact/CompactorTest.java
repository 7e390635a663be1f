package dev.cairn.tsdb.compact;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockDir;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Tombstones;
import dev.cairn.tsdb.block.TombstonesFile;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.testing.PromDump;
import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactorTest {
    private static final long H2 = 7_200_000L;

    /** Series restricted to [lo, hi); those left empty dropped. */
    private static List<Samples> window(List<Samples> series, long lo, long hi) {
        List<Samples> out = new ArrayList<>();
        for (Samples s : series) {
            Samples c = s.clip(lo, hi - 1);
            if (c.size() > 0) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<Block> open(Path parent, List<BlockMeta> metas) throws Exception {
        List<Block> out = new ArrayList<>();
        for (BlockMeta m : metas) {
            out.add(Block.open(parent.resolve(m.ulid().toString())));
        }
        return out;
    }

    private static List<Samples> readAll(Path blockDir) throws Exception {
        try (Block b = Block.open(blockDir); Querier q = b.querier()) {
            b.verify();
            return TestBlocks.selectAll(q);
        }
    }

    @Test
    void adjacentBlocks_concatenateByCopyingChunks_andPromtoolReadsTheUnion(@TempDir Path tmp) throws Exception {
        Random r = new Random(21);
        List<Samples> all = RandomSeries.generate(r, new RandomSeries.Spec(50, 1200, 0, false, true, true));
        Path in = tmp.resolve("in");
        List<BlockMeta> metas = new ArrayList<>();
        long chunksIn = 0;
        for (int k = 0; k < 3; k++) {
            List<Samples> part = window(all, k * H2, (k + 1) * H2);
            BlockMeta m = TestBlocks.write(in, part, BlockWriter.Options.defaults().withRange(k * H2, (k + 1) * H2));
            metas.add(m);
            chunksIn += m.stats().numChunks();
        }
        List<Samples> union = window(all, 0, 3 * H2);
        Path out = tmp.resolve("out");
        List<Block> blocks = open(in, metas);
        BlockMeta meta = new Compactor(out).compact(blocks);
        blocks.forEach(Block::close);

        assertEquals(0, meta.minTime());
        assertEquals(3 * H2, meta.maxTime());
        assertEquals(2, meta.compaction().level());
        assertEquals(metas.stream().map(BlockMeta::ulid).sorted().toList(), meta.compaction().sources());
        assertEquals(metas.stream().map(BlockMeta::desc).toList(), meta.compaction().parents());
        assertEquals(chunksIn, meta.stats().numChunks(), "adjacent blocks' chunks are copied, not re-cut");
        assertEquals(union.stream().mapToLong(Samples::size).sum(), meta.stats().numSamples());
        assertEquals(union, readAll(out.resolve(meta.ulid().toString())));
        String dump = Promtool.dump(out);
        PromDump.assertSameDump(PromDump.render(union), dump);
    }

    @Test
    void overlappingBlocks_mergeSamplesOncePerTimestamp_andPromtoolReadsTheUnion(@TempDir Path tmp) throws Exception {
        Random r = new Random(22);
        List<Samples> all = RandomSeries.generate(r, new RandomSeries.Spec(40, 900, 0, false, true, true));
        // three blocks over overlapping ranges; each sample lands in one or more of those covering it
        long[][] ranges = {{0, 2 * H2}, {H2, 3 * H2}, {H2 / 2, 2 * H2 + H2 / 2}};
        List<Map<Labels, Samples>> parts = new ArrayList<>();
        for (int k = 0; k < ranges.length; k++) {
            parts.add(new LinkedHashMap<>());
        }
        List<Samples> union = new ArrayList<>();
        for (Samples s : all) {
            Samples u = new Samples(s.labels());
            for (int i = 0; i < s.size(); i++) {
                long t = s.t(i);
                boolean placed = false;
                for (int k = 0; k < ranges.length; k++) {
                    if (t >= ranges[k][0] && t < ranges[k][1] && (r.nextInt(3) > 0 || (!placed && k == ranges.length - 1))) {
                        parts.get(k).computeIfAbsent(s.labels(), Samples::new).add(t, s.v(i));
                        placed = true;
                    }
                }
                if (!placed) {
                    for (int k = 0; k < ranges.length && !placed; k++) {
                        if (t >= ranges[k][0] && t < ranges[k][1]) {
                            parts.get(k).computeIfAbsent(s.labels(), Samples::new).add(t, s.v(i));
                            placed = true;
                        }
                    }
                }
                if (placed) {
                    u.add(t, s.v(i));
                }
            }
            if (u.size() > 0) {
                union.add(u);
            }
        }
        Path in = tmp.resolve("in");
        List<BlockMeta> metas = new ArrayList<>();
        for (int k = 0; k < ranges.length; k++) {
            List<Samples> p = new ArrayList<>(parts.get(k).values());
            p.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
            metas.add(TestBlocks.write(in, p, BlockWriter.Options.defaults().withRange(ranges[k][0], ranges[k][1])));
        }
        Path out = tmp.resolve("out");
        List<Block> blocks = open(in, metas);
        BlockMeta meta = new Compactor(out).compact(blocks);
        blocks.forEach(Block::close);
        assertEquals(0, meta.minTime());
        assertEquals(3 * H2, meta.maxTime());
        assertEquals(union.stream().mapToLong(Samples::size).sum(), meta.stats().numSamples());
        assertEquals(union, readAll(out.resolve(meta.ulid().toString())));
        PromDump.assertSameDump(PromDump.render(union), Promtool.dump(out));
    }

    @Test
    void overlappingBlocks_differentValuesAtOneTimestamp_keepTheEarlierBlocks(@TempDir Path tmp) throws Exception {
        Labels l = Labels.of("__name__", "x");
        Path in = tmp.resolve("in");
        BlockMeta a = TestBlocks.write(in, List.of(new Samples(l).add(10, 1).add(20, 1).add(30, 1)),
                BlockWriter.Options.defaults().withRange(0, 100));
        BlockMeta b = TestBlocks.write(in, List.of(new Samples(l).add(20, 2).add(25, 2).add(40, 2)),
                BlockWriter.Options.defaults().withRange(5, 100));
        List<Block> blocks = open(in, List.of(b, a)); // order given does not matter: minTime decides
        BlockMeta m = new Compactor(tmp.resolve("out")).compact(blocks);
        blocks.forEach(Block::close);
        assertEquals(List.of(new Samples(l).add(10, 1).add(20, 1).add(25, 2).add(30, 1).add(40, 2)),
                readAll(tmp.resolve("out").resolve(m.ulid().toString())));
    }

    @Test
    void tombstones_areAppliedAndWhollyDeletedSeriesDropped(@TempDir Path tmp) throws Exception {
        Labels x = Labels.of("__name__", "x");
        Labels y = Labels.of("__name__", "y");
        Samples sx = new Samples(x);
        Samples sy = new Samples(y);
        for (int i = 0; i < 1000; i++) {
            sx.add(i * 1000L, i);
            sy.add(i * 1000L, i);
        }
        Path in = tmp.resolve("in");
        BlockMeta m = TestBlocks.write(in, List.of(sx, sy), BlockWriter.Options.defaults());
        Path dir = in.resolve(m.ulid().toString());
        long refX;
        long refY;
        try (Block b = Block.open(dir)) {
            var p = b.index().allPostings();
            p.next();
            refX = p.at();
            p.next();
            refY = p.at();
        }
        TombstonesFile.write(dir, Tombstones.builder().add(refX, 100_500, 200_000).add(refY, -1, 2_000_000).build());
        try (Block b = Block.open(dir)) {
            BlockMeta out = new Compactor(tmp.resolve("out")).compact(List.of(b));
            Samples want = new Samples(x);
            for (int i = 0; i < 1000; i++) {
                if (i <= 100 || i > 200) {
                    want.add(i * 1000L, i);
                }
            }
            assertEquals(List.of(want), readAll(tmp.resolve("out").resolve(out.ulid().toString())));
            assertEquals(0, out.stats().numTombstones());
        }
        // everything deleted: no block at all
        TombstonesFile.write(dir, Tombstones.builder().add(refX, Long.MIN_VALUE, Long.MAX_VALUE)
                .add(refY, Long.MIN_VALUE, Long.MAX_VALUE).build());
        try (Block b = Block.open(dir)) {
            assertNull(new Compactor(tmp.resolve("out2")).compact(List.of(b)));
            try (var files = Files.list(tmp.resolve("out2"))) {
                assertEquals(0, files.count(), "no block and no tmp directory left");
            }
        }
    }

    @Test
    void thanosBlocks_keepTheirGroup_andRefuseToMixGroups(@TempDir Path tmp) throws Exception {
        Labels l = Labels.of("__name__", "x");
        Path in = tmp.resolve("in");
        ThanosMeta eu = new ThanosMeta(Map.of("cluster", "eu"), 0, ThanosMeta.SOURCE_RECEIVE);
        BlockMeta a = TestBlocks.write(in, List.of(new Samples(l).add(1, 1)), BlockWriter.Options.defaults().withThanos(eu));
        BlockMeta b = TestBlocks.write(in, List.of(new Samples(l).add(2, 1)), BlockWriter.Options.defaults().withThanos(eu));
        BlockMeta c = TestBlocks.write(in, List.of(new Samples(l).add(3, 1)), BlockWriter.Options.defaults()
                .withThanos(new ThanosMeta(Map.of("cluster", "us"), 0, ThanosMeta.SOURCE_RECEIVE)));
        List<Block> ab = open(in, List.of(a, b));
        BlockMeta out = new Compactor(tmp.resolve("out")).compact(ab);
        assertEquals(Map.of("cluster", "eu"), out.thanos().labels());
        assertEquals(ThanosMeta.SOURCE_COMPACTOR, out.thanos().source());
        assertTrue(out.thanos().files().stream().anyMatch(f -> f.relPath().equals("chunks/000001") && f.sizeBytes() > 0));
        assertEquals(List.of("chunks/000001", "index", "meta.json"),
                out.thanos().files().stream().map(f -> f.relPath()).toList());
        List<Block> ac = open(in, List.of(a, c));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Compactor(tmp.resolve("out")).compact(ac));
        assertTrue(e.getMessage().contains("different groups"), e.getMessage());
        ab.forEach(Block::close);
        ac.forEach(Block::close);
    }

    @Test
    void compactedOutput_ofCompactions_countsLevelsAndSources(@TempDir Path tmp) throws Exception {
        Labels l = Labels.of("__name__", "x");
        Path in = tmp.resolve("in");
        List<BlockMeta> level1 = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            level1.add(TestBlocks.write(in, List.of(new Samples(l).add(k * 10L, k)),
                    BlockWriter.Options.defaults().withRange(k * 10L, k * 10L + 10)));
        }
        Path mid = tmp.resolve("mid");
        List<Block> first = open(in, level1.subList(0, 2));
        List<Block> second = open(in, level1.subList(2, 4));
        BlockMeta m1 = new Compactor(mid).compact(first);
        BlockMeta m2 = new Compactor(mid).compact(second);
        List<Block> both = open(mid, List.of(m2, m1));
        BlockMeta top = new Compactor(tmp.resolve("top")).compact(both);
        assertEquals(3, top.compaction().level());
        assertEquals(level1.stream().map(BlockMeta::ulid).sorted().toList(), top.compaction().sources());
        assertEquals(List.of(m1.desc(), m2.desc()), top.compaction().parents());
        TreeMap<Long, Double> want = new TreeMap<>();
        for (int k = 0; k < 4; k++) {
            want.put(k * 10L, (double) k);
        }
        Samples s = new Samples(l);
        want.forEach(s::add);
        assertEquals(List.of(s), readAll(tmp.resolve("top").resolve(top.ulid().toString())));
        try (BlockDir d = BlockDir.open(tmp.resolve("top"))) {
            assertEquals(1, d.blocks().size());
        }
        for (List<Block> bl : List.of(first, second, both)) {
            bl.forEach(Block::close);
        }
        assertTrue(Ulid.isValid(top.ulid().toString()));
    }
}
