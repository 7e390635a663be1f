package dev.cairn.tsdb.block;

import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.testing.OpenMetricsInput;
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
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocks Cairn writes, read by the real promtool; blocks promtool writes, read by Cairn. */
class PromtoolBlockCompatTest {
    /** Aligned to 2h, as promtool aligns its block windows. */
    private static final long T0 = 236_112L * 7_200_000L;

    @Test
    void promtoolDump_ofOurBlock_printsExactlyOurSamples(@TempDir Path db) throws Exception {
        Random r = new Random(5);
        // negative and irregular timestamps, NaN, stale markers, ±Inf, odd label values
        List<Samples> series = RandomSeries.generate(r, RandomSeries.Spec.of(60, 600, 0));
        TestBlocks.write(db, series, BlockWriter.Options.defaults());
        String dump = Promtool.dump(db);
        PromDump.assertSameDump(PromDump.render(series), dump);
        // and by meaning: same series, timestamps and values (NaN payloads aside)
        List<Samples> parsed = PromDump.parse(dump);
        assertEquals(series.size(), parsed.size());
        for (int i = 0; i < series.size(); i++) {
            Samples want = series.get(i);
            Samples got = parsed.get(i);
            assertEquals(want.labels(), got.labels());
            assertEquals(want.size(), got.size());
            for (int j = 0; j < want.size(); j++) {
                assertEquals(want.t(j), got.t(j));
                assertEquals(Double.isNaN(want.v(j)), Double.isNaN(got.v(j)));
                if (!Double.isNaN(want.v(j))) {
                    assertEquals(Double.doubleToRawLongBits(want.v(j)), Double.doubleToRawLongBits(got.v(j)));
                }
            }
        }
    }

    @Test
    void sameSamples_giveByteIdenticalChunksAndIndexAsPromtool(@TempDir Path tmp) throws Exception {
        Random r = new Random(9);
        // one 2h window so promtool writes a single block; regular and irregular series
        RandomSeries.Spec spec = new RandomSeries.Spec(40, 400, T0, false, false, true);
        List<Samples> series = new ArrayList<>();
        for (Samples s : RandomSeries.generate(r, spec)) {
            Samples c = s.clip(T0, T0 + 7_199_999);
            if (c.size() > 0) {
                series.add(c);
            }
        }
        // dense series hit the 240-samples cut; sparse ones the 4h window end; a late start re-plans
        Samples dense = new Samples(dev.cairn.tsdb.labels.Labels.of("__name__", "zz_dense"));
        Samples sparse = new Samples(dev.cairn.tsdb.labels.Labels.of("__name__", "zz_sparse"));
        Samples late = new Samples(dev.cairn.tsdb.labels.Labels.of("__name__", "zz_xlate"));
        for (int i = 0; i < 3000; i++) {
            dense.add(T0 + 100 + i * 7L, i % 17);
        }
        for (int i = 0; i < 200; i++) {
            sparse.add(T0 + i * 35_000L, i);
        }
        for (int i = 0; i < 700; i++) {
            late.add(T0 + 6_000_000 + i * 1_700L, 0.5 * i);
        }
        series.add(dense);
        series.add(sparse);
        series.add(late);
        Path promDb = tmp.resolve("prom");
        Files.createDirectories(promDb);
        List<Samples> stored = OpenMetricsInput.write(tmp.resolve("in.om"), series);
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("in.om").toString(), promDb.toString());
        List<Path> promBlocks = BlockDir.blockDirs(promDb);
        assertEquals(1, promBlocks.size());
        Path theirs = promBlocks.get(0);

        BlockMeta ours = TestBlocks.write(tmp.resolve("ours"), stored, BlockWriter.Options.defaults());
        Path mine = tmp.resolve("ours").resolve(ours.ulid().toString());
        assertArrayEquals(Files.readAllBytes(theirs.resolve("chunks/000001")), Files.readAllBytes(mine.resolve("chunks/000001")),
                "chunk segment differs from promtool's");
        assertArrayEquals(Files.readAllBytes(theirs.resolve("index")), Files.readAllBytes(mine.resolve("index")),
                "index differs from promtool's");
        assertArrayEquals(Files.readAllBytes(theirs.resolve("tombstones")), Files.readAllBytes(mine.resolve("tombstones")));
        BlockMeta theirMeta = MetaJson.read(theirs);
        assertEquals(theirMeta.minTime(), ours.minTime());
        assertEquals(theirMeta.maxTime(), ours.maxTime());
        assertEquals(theirMeta.stats(), ours.stats());
        assertEquals(1, theirMeta.compaction().level());

        // promtool's own view of our block: list shows it with the same counts
        String list = Promtool.run("tsdb", "list", tmp.resolve("ours").toString());
        assertTrue(list.contains(ours.ulid().toString()), list);
        assertTrue(list.contains(ours.stats().numSamples() + " "), list);
    }

    @Test
    void promtoolBlocks_compactedByUs_dumpIdenticallyInPromtool(@TempDir Path tmp) throws Exception {
        Random r = new Random(17);
        RandomSeries.Spec spec = new RandomSeries.Spec(25, 1200, T0, false, false, true);
        List<Samples> series = RandomSeries.generate(r, spec);
        Path db = tmp.resolve("db");
        Files.createDirectories(db);
        OpenMetricsInput.write(tmp.resolve("in.om"), series);
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("in.om").toString(), db.toString());
        String before = Promtool.dump(db);
        Path out = tmp.resolve("out");
        try (BlockDir dir = BlockDir.open(db)) {
            assertTrue(dir.blocks().size() > 1);
            BlockMeta m = new dev.cairn.tsdb.compact.Compactor(out).compact(dir.blocks());
            assertEquals(2, m.compaction().level());
            assertEquals(dir.blocks().size(), m.compaction().parents().size());
        }
        PromDump.assertSameDump(before, Promtool.dump(out));
    }

    @Test
    void promtoolBlocks_readByBlockQuerier_giveTheSamplesWritten(@TempDir Path tmp) throws Exception {
        Random r = new Random(13);
        // spans several 2h windows: promtool writes several blocks; series cross block boundaries
        RandomSeries.Spec spec = new RandomSeries.Spec(30, 800, T0, false, true, true);
        List<Samples> series = new ArrayList<>();
        for (Samples s : RandomSeries.generate(r, spec)) {
            // OpenMetrics cannot express a stale marker's payload; turn those into plain NaN
            Samples c = new Samples(s.labels());
            for (int i = 0; i < s.size(); i++) {
                c.add(s.t(i), Double.doubleToRawLongBits(s.v(i)) == Samples.STALE_NAN_BITS ? Double.NaN : s.v(i));
            }
            series.add(c);
        }
        Path db = tmp.resolve("db");
        Files.createDirectories(db);
        List<Samples> stored = OpenMetricsInput.write(tmp.resolve("in.om"), series);
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("in.om").toString(), db.toString());
        try (BlockDir dir = BlockDir.open(db)) {
            assertTrue(dir.failures().isEmpty(), dir.failures().toString());
            assertTrue(dir.blocks().size() > 1, "want several blocks, got " + dir.blocks().size());
            List<SeriesSet> sets = new ArrayList<>();
            List<Querier> qs = new ArrayList<>();
            for (Block b : dir.blocks()) {
                b.verify();
                Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE);
                qs.add(q);
                sets.add(q.select(List.of(Matcher.of(MatchType.REGEX, "__name__", ".+"))));
            }
            List<Samples> got = Samples.drain(MergeSeriesSet.of(sets));
            assertEquals(stored.size(), got.size());
            for (int i = 0; i < stored.size(); i++) {
                // NaN from text has Go's NaN bits; compare NaN-ness, other values bit for bit
                Samples want = stored.get(i);
                Samples g = got.get(i);
                assertEquals(want.labels(), g.labels());
                assertEquals(want.size(), g.size(), want.labels().toString());
                for (int j = 0; j < want.size(); j++) {
                    assertEquals(want.t(j), g.t(j));
                    if (Double.isNaN(want.v(j))) {
                        assertTrue(Double.isNaN(g.v(j)));
                    } else {
                        assertEquals(Double.doubleToRawLongBits(want.v(j)), Double.doubleToRawLongBits(g.v(j)));
                    }
                }
            }
            qs.forEach(Querier::close);

            // the directory-wide querier prints what promtool dump prints, also for a sub-range and a selector
            try (Querier all = dir.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                PromDump.assertSameDump(Promtool.dump(db),
                        PromDump.render(Samples.drain(all.select(List.of(Matcher.regex("__name__", ".+"))))));
            }
            long lo = T0 + 3_000_000;
            long hi = T0 + 4 * 7_200_000L + 123;
            String sub = Promtool.run("tsdb", "dump", "--min-time=" + lo, "--max-time=" + hi,
                    "--match={job=\"job1\"}", db.toString());
            try (Querier q = dir.querier(lo, hi)) {
                List<Samples> mine = Samples.drain(q.select(List.of(Matcher.equal("job", "job1"))));
                PromDump.assertSameDump(sub, PromDump.render(mine));
                assertTrue(!sub.isEmpty());
            }
        }
    }
}
