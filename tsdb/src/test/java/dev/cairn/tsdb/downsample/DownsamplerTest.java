package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.cairn.tsdb.downsample.DownsamplingFixture.LAST;
import static dev.cairn.tsdb.downsample.DownsamplingFixture.MAX;
import static dev.cairn.tsdb.downsample.DownsamplingFixture.MIN;
import static dev.cairn.tsdb.downsample.DownsamplingFixture.SUM;
import static dev.cairn.tsdb.downsample.DownsamplingFixture.fold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Downsampled answers against the raw data they came from: one random raw block of 48 hours (counters
 * with resets, gauges, gaps, NaN, stale markers), downsampled raw→5m, 5m→1h and raw→1h.
 */
class DownsamplerTest {
    private static final long START = 1_700_000_000_000L - 1_700_000_000_000L % Downsampler.RES_1H + 1234;
    private static final long SPAN = 48 * Downsampler.RES_1H;

    @TempDir
    static Path tmp;
    static List<Samples> raw;
    static BlockMeta rawMeta;
    static Block rawBlock;
    static Block b5m;
    static Block b1hFrom5m;
    static Block b1hFromRaw;

    @BeforeAll
    static void build() throws IOException {
        raw = DownsamplingFixture.randomSeries(new Random(42), 12, START, SPAN);
        Path rawDir = tmp.resolve("raw");
        ThanosMeta thanos = new ThanosMeta(Map.of("replica", "a", "dc", "x"), 0, ThanosMeta.SOURCE_SIDECAR);
        rawMeta = TestBlocks.write(rawDir, raw, BlockWriter.Options.defaults().withRange(START, START + SPAN).withThanos(thanos));
        rawBlock = Block.open(rawDir.resolve(rawMeta.ulid().toString()));
        Path out = tmp.resolve("down");
        Downsampler d = new Downsampler(out);
        b5m = Block.open(out.resolve(d.downsample(rawBlock, Downsampler.RES_5M).ulid().toString()));
        b1hFrom5m = Block.open(out.resolve(d.downsample(b5m, Downsampler.RES_1H).ulid().toString()));
        b1hFromRaw = Block.open(out.resolve(d.downsample(rawBlock, Downsampler.RES_1H).ulid().toString()));
    }

    @AfterAll
    static void close() {
        for (Block b : new Block[] {rawBlock, b5m, b1hFrom5m, b1hFromRaw}) {
            if (b != null) {
                b.close();
            }
        }
    }

    private static Samples rawClean(Labels l) {
        for (Samples s : raw) {
            if (s.labels().equals(l)) {
                return DownsamplingFixture.clean(s);
            }
        }
        throw new AssertionError("no raw series " + l);
    }

    private static void assertClose(double want, double got, String what) {
        double tol = 1e-9 * Math.max(1, Math.abs(want));
        if (Math.abs(want - got) > tol) {
            fail(what + ": want " + want + ", got " + got);
        }
    }

    private static void assertFoldsClose(TreeMap<Long, Double> want, TreeMap<Long, Double> got, String what) {
        assertEquals(want.keySet(), got.keySet(), what + ": windows");
        for (Map.Entry<Long, Double> e : want.entrySet()) {
            assertClose(e.getValue(), got.get(e.getKey()), what + " in window " + e.getKey());
        }
    }

    @Test
    void raw5m_countSumMinMaxPerWindow_matchRawAt5mAnd1h() {
        Map<Labels, List<AggrChunk>> down = DownsamplingFixture.aggrChunks(b5m);
        assertEquals(raw.size(), down.size());
        for (Map.Entry<Labels, List<AggrChunk>> e : down.entrySet()) {
            Samples c = rawClean(e.getKey());
            for (long width : new long[] {Downsampler.RES_5M, Downsampler.RES_1H}) {
                String what = e.getKey() + " per " + width + " ms";
                // count_over_time: the count windows summed up, min/max_over_time, sum_over_time.
                TreeMap<Long, Double> wantCount = countFold(c, width);
                TreeMap<Long, Double> gotCount = fold(DownsampledIterators.of(e.getValue(), AggrRead.COUNT), width, SUM);
                assertEquals(wantCount, gotCount, what + " count");
                assertEquals(fold(c.iterator(null), width, MIN), fold(DownsampledIterators.of(e.getValue(), AggrRead.MIN), width, MIN), what + " min");
                assertEquals(fold(c.iterator(null), width, MAX), fold(DownsampledIterators.of(e.getValue(), AggrRead.MAX), width, MAX), what + " max");
                TreeMap<Long, Double> wantSum = fold(c.iterator(null), width, SUM);
                assertFoldsClose(wantSum, fold(DownsampledIterators.of(e.getValue(), AggrRead.SUM), width, SUM), what + " sum");
                // avg_over_time = sum / count over the window.
                TreeMap<Long, Double> gotSum = fold(DownsampledIterators.of(e.getValue(), AggrRead.SUM), width, SUM);
                for (Long w : wantSum.keySet()) {
                    assertClose(wantSum.get(w) / wantCount.get(w), gotSum.get(w) / gotCount.get(w), what + " avg in window " + w);
                }
            }
        }
    }

    private static TreeMap<Long, Double> countFold(Samples c, long width) {
        TreeMap<Long, Double> out = new TreeMap<>();
        for (int i = 0; i < c.size(); i++) {
            out.merge(Math.floorDiv(c.t(i), width), 1.0, Double::sum);
        }
        return out;
    }

    @Test
    void raw5m_averageRead_isSumOverCountPerWindow() {
        for (List<AggrChunk> chunks : DownsamplingFixture.aggrChunks(b5m).values()) {
            TreeMap<Long, Double> sums = fold(DownsampledIterators.of(chunks, AggrRead.SUM), 1, LAST);
            TreeMap<Long, Double> counts = fold(DownsampledIterators.of(chunks, AggrRead.COUNT), 1, LAST);
            TreeMap<Long, Double> avg = fold(DownsampledIterators.of(chunks, AggrRead.AVERAGE), 1, LAST);
            assertEquals(counts.keySet(), avg.keySet());
            for (Long t : avg.keySet()) {
                assertEquals(sums.get(t) / counts.get(t), avg.get(t));
            }
        }
    }

    /** Every counter sample read back is the raw counter (resets added back) at the last raw sample up to it. */
    @Test
    void counterAggregate_equalsRawCounterWithResets_soIncreaseAndRatePerHourAgree() {
        int resetsSeen = 0;
        for (Block b : new Block[] {b5m, b1hFrom5m, b1hFromRaw}) {
            for (Map.Entry<Labels, List<AggrChunk>> e : DownsamplingFixture.aggrChunks(b).entrySet()) {
                if (!e.getKey().get("__name__").equals("requests_total")) {
                    continue;
                }
                Samples c = rawClean(e.getKey());
                double[] cum = DownsamplingFixture.cumulative(c);
                for (int i = 1; i < c.size(); i++) {
                    resetsSeen += c.v(i) < c.v(i - 1) ? 1 : 0;
                }
                ChunkIterator it = DownsampledIterators.of(e.getValue(), AggrRead.COUNTER);
                TreeMap<Long, Double> lastPerHour = new TreeMap<>();
                int j = 0;
                long prevT = Long.MIN_VALUE;
                int n = 0;
                while (it.next()) {
                    assertTrue(it.atT() > prevT, "counter timestamps increase");
                    prevT = it.atT();
                    while (j + 1 < c.size() && c.t(j + 1) <= it.atT()) {
                        j++;
                    }
                    assertTrue(c.t(j) <= it.atT(), "no counter sample before the first raw sample");
                    assertClose(cum[j], it.atV(), b.meta().thanos().downsampleResolution() + " " + e.getKey() + " at " + it.atT());
                    lastPerHour.put(Math.floorDiv(it.atT(), Downsampler.RES_1H), it.atV());
                    n++;
                }
                assertEquals(c.t(c.size() - 1), prevT, "the last counter sample is the last raw sample's time");
                assertTrue(n > 0);
                // increase() per hour: difference of the last counter values of consecutive hours.
                TreeMap<Long, Double> rawLast = new TreeMap<>();
                for (int i = 0; i < c.size(); i++) {
                    rawLast.put(Math.floorDiv(c.t(i), Downsampler.RES_1H), cum[i]);
                }
                assertEquals(rawLast.keySet(), lastPerHour.keySet());
                Long prev = null;
                for (Long h : rawLast.keySet()) {
                    if (prev != null) {
                        double wantIncrease = rawLast.get(h) - rawLast.get(prev);
                        double gotIncrease = lastPerHour.get(h) - lastPerHour.get(prev);
                        assertClose(wantIncrease, gotIncrease, e.getKey() + " increase into hour " + h);
                        assertClose(wantIncrease / 3600, gotIncrease / 3600, e.getKey() + " rate into hour " + h);
                    }
                    prev = h;
                }
            }
        }
        assertTrue(resetsSeen > 10, "the fixture has counter resets (" + resetsSeen + ")");
    }

    @Test
    void from5mTo1h_agreesWithRawTo1h_perHour() {
        Map<Labels, List<AggrChunk>> a = DownsamplingFixture.aggrChunks(b1hFrom5m);
        Map<Labels, List<AggrChunk>> b = DownsamplingFixture.aggrChunks(b1hFromRaw);
        assertEquals(b.keySet(), a.keySet());
        long h = Downsampler.RES_1H;
        for (Labels l : a.keySet()) {
            Samples c = rawClean(l);
            assertEquals(countFold(c, h), fold(DownsampledIterators.of(a.get(l), AggrRead.COUNT), h, SUM), l + " count 5m→1h");
            assertEquals(countFold(c, h), fold(DownsampledIterators.of(b.get(l), AggrRead.COUNT), h, SUM), l + " count raw→1h");
            assertEquals(fold(DownsampledIterators.of(b.get(l), AggrRead.MIN), h, MIN),
                fold(DownsampledIterators.of(a.get(l), AggrRead.MIN), h, MIN), l + " min");
            assertEquals(fold(DownsampledIterators.of(b.get(l), AggrRead.MAX), h, MAX),
                fold(DownsampledIterators.of(a.get(l), AggrRead.MAX), h, MAX), l + " max");
            assertFoldsClose(fold(DownsampledIterators.of(b.get(l), AggrRead.SUM), h, SUM),
                fold(DownsampledIterators.of(a.get(l), AggrRead.SUM), h, SUM), l + " sum");
            if (l.get("__name__").equals("requests_total")) {
                // Only for counters: a gauge's drops count as resets, and with negative values the
                // "counter" falls, so each round of downsampling sees different resets (as in Thanos).
                assertFoldsClose(fold(DownsampledIterators.of(b.get(l), AggrRead.COUNTER), h, LAST),
                    fold(DownsampledIterators.of(a.get(l), AggrRead.COUNTER), h, LAST), l + " counter");
            }
            for (List<AggrChunk> chunks : List.of(a.get(l), b.get(l))) {
                for (AggrChunk ch : chunks) {
                    for (AggrType t : AggrType.values()) {
                        assertTrue(ch.has(t), l + ": float series keep all five aggregates");
                    }
                }
            }
        }
    }

    @Test
    void downsampledBlock_metaAndReopen_keepLabelsRangeCompaction() {
        for (Block b : new Block[] {b5m, b1hFrom5m, b1hFromRaw}) {
            BlockMeta m = b.meta();
            long want = b == b5m ? Downsampler.RES_5M : Downsampler.RES_1H;
            assertEquals(want, m.thanos().downsampleResolution());
            assertEquals(ThanosMeta.SOURCE_COMPACTOR, m.thanos().source());
            assertEquals(rawMeta.thanos().labels(), m.thanos().labels());
            assertEquals(rawMeta.compaction(), m.compaction());
            assertEquals(rawMeta.minTime(), m.minTime());
            assertEquals(rawMeta.maxTime(), m.maxTime());
            assertEquals(raw.size(), m.stats().numSeries());
            long windows = 0;
            for (List<AggrChunk> chunks : DownsamplingFixture.aggrChunks(b).values()) {
                for (AggrChunk c : chunks) {
                    windows += c.numSamples();
                }
            }
            assertEquals(windows, m.stats().numSamples(), "numSamples counts windows, as Thanos");
            assertTrue(m.thanos().files().stream().anyMatch(f -> f.relPath().equals("chunks/000001")));
            try (Querier q = b.querier()) {
                SeriesSet set = q.select(List.of(Matcher.of(MatchType.EQUAL, "__name__", "temperature")));
                List<Labels> got = new ArrayList<>();
                while (set.next()) {
                    got.add(set.at().labels());
                }
                List<Labels> wantLabels = raw.stream().map(Samples::labels)
                    .filter(l -> l.get("__name__").equals("temperature")).toList();
                assertEquals(wantLabels, got);
            }
        }
    }

    @Test
    void compactor_carriesAggregateChunksUnchanged_withStats() throws IOException {
        // Two 5m blocks side by side: the first and second day of the same data.
        Path out = tmp.resolve("halves");
        List<Samples> day1 = new ArrayList<>();
        List<Samples> day2 = new ArrayList<>();
        long mid = START + SPAN / 2;
        for (Samples s : raw) {
            day1.add(s.clip(Long.MIN_VALUE, mid - 1));
            day2.add(s.clip(mid, Long.MAX_VALUE));
        }
        ThanosMeta thanos = rawMeta.thanos();
        List<Block> fives = new ArrayList<>();
        Downsampler d = new Downsampler(out);
        try {
            for (List<Samples> half : List.of(day1, day2)) {
                long lo = half == day1 ? START : mid;
                BlockMeta m = TestBlocks.write(out.resolve("raw"), half,
                    BlockWriter.Options.defaults().withRange(lo, lo + SPAN / 2).withThanos(thanos));
                try (Block r = Block.open(out.resolve("raw").resolve(m.ulid().toString()))) {
                    fives.add(Block.open(out.resolve(d.downsample(r, Downsampler.RES_5M).ulid().toString())));
                }
            }
            BlockMeta merged = new dev.cairn.tsdb.compact.Compactor(out.resolve("compacted")).compact(fives);
            try (Block m = Block.open(out.resolve("compacted").resolve(merged.ulid().toString()))) {
                assertEquals(Downsampler.RES_5M, m.meta().thanos().downsampleResolution());
                assertEquals(fives.get(0).meta().stats().numSamples() + fives.get(1).meta().stats().numSamples(),
                    m.meta().stats().numSamples());
                Map<Labels, List<AggrChunk>> got = DownsamplingFixture.aggrChunks(m);
                for (Map.Entry<Labels, List<AggrChunk>> e : got.entrySet()) {
                    Samples c = rawClean(e.getKey());
                    assertEquals(countFold(c, Downsampler.RES_1H),
                        fold(DownsampledIterators.of(e.getValue(), AggrRead.COUNT), Downsampler.RES_1H, SUM));
                }
            }
        } finally {
            fives.forEach(Block::close);
        }
    }

    @Test
    void downsample_toSameOrFinerResolution_isRejected() {
        Downsampler d = new Downsampler(tmp.resolve("rejected"));
        assertThrows(IllegalArgumentException.class, () -> d.downsample(b5m, Downsampler.RES_5M));
        assertThrows(IllegalArgumentException.class, () -> d.downsample(b1hFromRaw, Downsampler.RES_5M));
        assertThrows(IllegalArgumentException.class, () -> d.downsample(rawBlock, Downsampler.RES_RAW));
    }

    @Test
    void staleMarkersAndNaN_areLeftOut_notCounted() {
        long nan = raw.stream().mapToLong(s -> {
            long k = 0;
            for (int i = 0; i < s.size(); i++) {
                k += Double.isNaN(s.v(i)) ? 1 : 0;
            }
            return k;
        }).sum();
        long kept = raw.stream().mapToLong(s -> DownsamplingFixture.clean(s).size()).sum();
        long counted = 0;
        for (List<AggrChunk> chunks : DownsamplingFixture.aggrChunks(b5m).values()) {
            ChunkIterator it = DownsampledIterators.of(chunks, AggrRead.COUNT);
            while (it.next()) {
                counted += (long) it.atV();
            }
            for (AggrType t : AggrType.values()) {
                ChunkIterator x = DownsampledIterators.of(chunks, AggrRead.valueOf(t.name()));
                while (x.next()) {
                    assertFalse(Double.isNaN(x.atV()), t + " holds no NaN");
                }
            }
        }
        assertTrue(nan > 10, "fixture has NaN and stale markers (" + nan + ")");
        assertEquals(kept, counted);
    }
}
