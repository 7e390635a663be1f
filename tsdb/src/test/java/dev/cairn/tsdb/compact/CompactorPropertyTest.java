package dev.cairn.tsdb.compact;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.Tombstones;
import dev.cairn.tsdb.block.TombstonesFile;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random block layouts (adjacent, overlapping, nested; with random deletions) compacted, checked
 * against a model: per series, per timestamp, the value of the first block in (minTime, ULID) order
 * that has the sample and has not deleted it.
 */
class CompactorPropertyTest {
    @Test
    void randomLayouts_matchTheModel(@TempDir Path tmp) throws Exception {
        Random r = new Random(77);
        for (int round = 0; round < 12; round++) {
            Path in = tmp.resolve("in" + round);
            int nBlocks = 1 + r.nextInt(4);
            List<Labels> names = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                names.add(Labels.of("__name__", "m", "s", Integer.toString(i)));
            }
            names.sort(Utf8Order.LABELS);
            // model: labels -> t -> value, filled in block order
            TreeMap<Labels, TreeMap<Long, Double>> model = new TreeMap<>(Utf8Order.LABELS);
            List<long[]> ranges = new ArrayList<>();
            List<BlockMeta> metas = new ArrayList<>();
            List<Map<Labels, Samples>> contents = new ArrayList<>();
            for (int b = 0; b < nBlocks; b++) {
                long lo = r.nextInt(5) * 50_000L;
                long hi = lo + 20_000 + r.nextInt(200_000);
                ranges.add(new long[] {lo, hi});
                Map<Labels, Samples> m = new TreeMap<>(Utf8Order.LABELS);
                for (Labels l : names) {
                    if (r.nextInt(4) == 0) {
                        continue;
                    }
                    Samples s = new Samples(l);
                    long step = 20 + r.nextInt(3000);
                    for (long t = lo + r.nextInt(1000); t < hi; t += step) {
                        // values differ per block so the tie rule shows
                        s.add(t, b * 1_000_000 + t % 1000);
                    }
                    if (s.size() > 0) {
                        m.put(l, s);
                    }
                }
                List<Samples> list = new ArrayList<>(m.values());
                Ulid id = Ulid.generate();
                metas.add(TestBlocks.write(in, list, BlockWriter.Options.defaults().withUlid(id).withRange(lo, hi)));
                contents.add(m);
            }
            // random deletions per block, written as tombstones keyed by index refs
            List<Map<Labels, long[]>> deletions = new ArrayList<>();
            List<Block> blocks = new ArrayList<>();
            for (int b = 0; b < nBlocks; b++) {
                Path dir = in.resolve(metas.get(b).ulid().toString());
                Map<Labels, long[]> del = new TreeMap<>(Utf8Order.LABELS);
                Tombstones.Builder tb = Tombstones.builder();
                try (Block blk = Block.open(dir)) {
                    var cur = blk.chunkSeries();
                    while (cur.next()) {
                        if (r.nextInt(3) == 0) {
                            long a = ranges.get(b)[0] + r.nextInt(100_000);
                            long z = a + r.nextInt(r.nextBoolean() ? 5_000 : 300_000);
                            tb.add(cur.ref(), a, z);
                            del.put(cur.labels(), new long[] {a, z});
                        }
                    }
                }
                TombstonesFile.write(dir, tb.build());
                deletions.add(del);
                blocks.add(Block.open(dir));
            }
            // model in (minTime, ULID) order, first non-deleted sample wins
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < nBlocks; b++) {
                order.add(b);
            }
            order.sort(Comparator.comparingLong((Integer b) -> metas.get(b).minTime()).thenComparing(b -> metas.get(b).ulid()));
            for (int b : order) {
                for (Samples s : contents.get(b).values()) {
                    long[] d = deletions.get(b).get(s.labels());
                    for (int i = 0; i < s.size(); i++) {
                        if (d != null && s.t(i) >= d[0] && s.t(i) <= d[1]) {
                            continue;
                        }
                        model.computeIfAbsent(s.labels(), k -> new TreeMap<>()).putIfAbsent(s.t(i), s.v(i));
                    }
                }
            }
            List<Samples> want = new ArrayList<>();
            model.forEach((l, tv) -> {
                Samples s = new Samples(l);
                tv.forEach(s::add);
                want.add(s);
            });
            java.util.Collections.shuffle(blocks, r);
            BlockMeta out = new Compactor(tmp.resolve("out" + round)).compact(blocks);
            blocks.forEach(Block::close);
            if (want.isEmpty()) {
                assertEquals(null, out);
                continue;
            }
            try (Block b = Block.open(tmp.resolve("out" + round).resolve(out.ulid().toString())); Querier q = b.querier()) {
                b.verify();
                assertEquals(want, TestBlocks.selectAll(q), "round " + round);
            }
        }
    }
}
