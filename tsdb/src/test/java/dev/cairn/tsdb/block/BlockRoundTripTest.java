package dev.cairn.tsdb.block;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
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
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockRoundTripTest {
    @Test
    void writeRead_randomSeries_sameSamplesBitForBit(@TempDir Path tmp) throws Exception {
        Random r = new Random(1);
        for (int round = 0; round < 8; round++) {
            List<Samples> series = RandomSeries.generate(r, RandomSeries.Spec.of(1 + r.nextInt(60), 700, 0));
            BlockMeta meta = TestBlocks.write(tmp, series, BlockWriter.Options.defaults());
            long total = series.stream().mapToLong(Samples::size).sum();
            assertEquals(total, meta.stats().numSamples());
            assertEquals(series.size(), meta.stats().numSeries());
            long mint = series.stream().mapToLong(s -> s.t(0)).min().orElseThrow();
            long maxt = series.stream().mapToLong(s -> s.t(s.size() - 1)).max().orElseThrow();
            assertEquals(mint, meta.minTime());
            assertEquals(maxt + 1, meta.maxTime(), "maxTime is exclusive");
            assertFalse(Files.exists(tmp.resolve(meta.ulid() + BlockWriter.TMP_SUFFIX)));

            try (Block b = Block.open(tmp.resolve(meta.ulid().toString()))) {
                b.verify();
                assertEquals(meta, b.meta());
                try (Querier q = b.querier()) {
                    assertEquals(series, TestBlocks.selectAll(q));
                }
                // random sub-ranges clip
                for (int k = 0; k < 5; k++) {
                    long lo = mint + (long) (r.nextDouble() * (maxt - mint));
                    long hi = lo + (long) (r.nextDouble() * (maxt - lo));
                    List<Samples> want = new ArrayList<>();
                    for (Samples s : series) {
                        Samples c = s.clip(lo, hi);
                        if (c.size() > 0) {
                            want.add(c);
                        }
                    }
                    try (Querier q = b.querier(lo, hi)) {
                        List<Samples> got = TestBlocks.selectAll(q);
                        got.removeIf(s -> s.size() == 0); // series whose chunk overlaps but samples do not
                        assertEquals(want, got, "range [" + lo + ", " + hi + "]");
                    }
                }
            }
        }
    }

    @Test
    void select_matchers_pickTheSameSeriesAsAFilter(@TempDir Path tmp) throws Exception {
        Random r = new Random(2);
        List<Samples> series = RandomSeries.generate(r, RandomSeries.Spec.of(80, 20, 1_000_000));
        BlockMeta meta = TestBlocks.write(tmp, series, BlockWriter.Options.defaults());
        List<List<Matcher>> cases = List.of(
                List.of(Matcher.equal("__name__", "metric_1")),
                List.of(Matcher.equal("__name__", "metric_1"), Matcher.of(MatchType.NOT_EQUAL, "job", "job0")),
                List.of(Matcher.regex("instance", "host-1.*")),
                List.of(Matcher.of(MatchType.NOT_REGEX, "instance", ".+"), Matcher.regex("job", "job[12]")),
                List.of(Matcher.equal("odd", "a\"b")),
                List.of(Matcher.equal("nosuchlabel", "x")));
        try (Block b = Block.open(tmp.resolve(meta.ulid().toString())); Querier q = b.querier()) {
            for (List<Matcher> ms : cases) {
                List<Samples> want = series.stream().filter(s -> ms.stream().allMatch(m -> m.matches(s.labels().get(m.name()))))
                        .toList();
                assertEquals(want, Samples.drain(q.select(ms)), ms.toString());
                TreeSet<String> jobs = new TreeSet<>();
                TreeSet<String> names = new TreeSet<>();
                want.forEach(s -> {
                    jobs.add(s.labels().get("job"));
                    s.labels().forEach((n, v) -> names.add(n));
                });
                assertEquals(new ArrayList<>(jobs), q.labelValues("job", ms), ms.toString());
                assertEquals(new ArrayList<>(names), q.labelNames(ms), ms.toString());
            }
            TreeSet<String> all = new TreeSet<>();
            series.forEach(s -> all.add(s.labels().get("__name__")));
            assertEquals(new ArrayList<>(all), q.labelValues("__name__", List.of()));
            assertFalse(q.select(List.of()).next(), "no matchers select nothing");
        }
    }

    @Test
    void chunks_cutLikePrometheusHead(@TempDir Path tmp) throws Exception {
        // 1000 samples every 15 s from 0: the head cuts at 120 samples per chunk in a 4h range,
        // re-planned at the 30th sample: (4h - 0) / ((435000 + 1) * 4) = 8 chunks per window.
        Samples s = new Samples(Labels.of("__name__", "up"));
        for (int i = 0; i < 1000; i++) {
            s.add(i * 15_000L, i);
        }
        BlockMeta meta = TestBlocks.write(tmp, List.of(s), BlockWriter.Options.defaults());
        try (Block b = Block.open(tmp.resolve(meta.ulid().toString()))) {
            dev.cairn.tsdb.index.SeriesBuilder sb = new dev.cairn.tsdb.index.SeriesBuilder();
            var p = b.index().allPostings();
            assertTrue(p.next());
            assertTrue(b.index().series(p.at(), sb));
            List<Integer> sizes = new ArrayList<>();
            for (var cm : sb.chunks()) {
                sizes.add(b.chunks().chunk(cm.ref()).numSamples());
            }
            // 8 chunks of 1800 s = 120 samples; 1000 = 8 × 120 + 40
            assertEquals(List.of(120, 120, 120, 120, 120, 120, 120, 120, 40), sizes);
            assertEquals(9, meta.stats().numChunks());
        }
    }

    @Test
    void addSeries_outOfOrder_isRejected(@TempDir Path tmp) throws Exception {
        try (BlockWriter w = BlockWriter.create(tmp, BlockWriter.Options.defaults())) {
            w.addSeries(new Samples(Labels.of("__name__", "b")).add(1, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.addSeries(new Samples(Labels.of("__name__", "a")).add(1, 1)));
            assertTrue(e.getMessage().contains("not after"), e.getMessage());
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                    () -> w.addSeries(new Samples(Labels.of("__name__", "c")).add(5, 1).add(5, 2)));
            assertTrue(e2.getMessage().contains("strictly increase"), e2.getMessage());
        }
        // closed without commit: nothing is left behind
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void tombstones_hideDeletedSamples(@TempDir Path tmp) throws Exception {
        Samples a = new Samples(Labels.of("__name__", "a"));
        Samples c = new Samples(Labels.of("__name__", "c"));
        for (int i = 0; i < 500; i++) {
            a.add(i * 1000L, i);
            c.add(i * 1000L, -i);
        }
        BlockMeta meta = TestBlocks.write(tmp, List.of(a, c), BlockWriter.Options.defaults());
        Path dir = tmp.resolve(meta.ulid().toString());
        long refA;
        long refC;
        try (Block b = Block.open(dir)) {
            var p = b.index().allPostings();
            p.next();
            refA = p.at();
            p.next();
            refC = p.at();
        }
        TombstonesFile.write(dir, Tombstones.builder().add(refA, 10_000, 19_999).add(refA, 400_000, 1_000_000)
                .add(refC, Long.MIN_VALUE, Long.MAX_VALUE).build());
        try (Block b = Block.open(dir); Querier q = b.querier()) {
            SeriesSet set = q.select(List.of(Matcher.regex("__name__", ".*")));
            List<Samples> got = Samples.drain(set);
            assertEquals(1, got.size(), "a series deleted entirely is not returned");
            Samples want = new Samples(a.labels());
            for (int i = 0; i < 500; i++) {
                if (!(i >= 10 && i < 20) && i < 400) {
                    want.add(i * 1000L, i);
                }
            }
            assertEquals(want, got.get(0));
        }
    }
}
