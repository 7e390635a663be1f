package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void roundTrip_randomSeriesSets_readBackExactly() throws IOException {
        for (int seed = 0; seed < 12; seed++) {
            Random rnd = new Random(seed);
            int n = 1 + rnd.nextInt(seed < 6 ? 40 : 2000);
            TreeMap<Labels, List<ChunkMeta>> series = IndexFixtures.randomSeries(rnd, n, 1 + rnd.nextInt(30));
            Path file = dir.resolve("index-" + seed);
            Map<Labels, Long> refs = IndexFixtures.write(file, series);
            try (IndexReader r = IndexReader.open(file)) {
                assertMatches(series, refs, r);
                r.verify();
            }
        }
    }

    @Test
    void roundTrip_manySeries_postingsAndSeriesAgree() throws IOException {
        Random rnd = new Random(42);
        TreeMap<Labels, List<ChunkMeta>> series = IndexFixtures.randomSeries(rnd, 30_000, 200);
        Path file = dir.resolve("index");
        Map<Labels, Long> refs = IndexFixtures.write(file, series);
        try (IndexReader r = IndexReader.open(file)) {
            assertMatches(series, refs, r);
            r.verify();
        }
    }

    @Test
    void windowedMapping_asForFilesOver2GiB_readsTheSame() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> series = IndexFixtures.randomSeries(new Random(9), 3000, 30);
        Path file = dir.resolve("index");
        Map<Labels, Long> refs = IndexFixtures.write(file, series);
        long step = 64 << 10;
        assertTrue(java.nio.file.Files.size(file) > 2 * step, "the file spans several windows");
        try (IndexReader r = IndexReader.openWindowed(file, step)) {
            assertMatches(series, refs, r);
            r.verify();
        }
        // a section larger than a window is refused, not misread
        dev.cairn.tsdb.encoding.CorruptionException e = assertThrows(dev.cairn.tsdb.encoding.CorruptionException.class,
                () -> IndexReader.openWindowed(file, 1 << 10));
        assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    }

    /** Checks everything the reader says against the series that were written. */
    static void assertMatches(TreeMap<Labels, List<ChunkMeta>> series, Map<Labels, Long> refs, IndexReader r) {
        TreeMap<String, TreeMap<String, List<Long>>> expected = new TreeMap<>(Utf8Order.STRINGS);
        TreeSet<String> symbols = new TreeSet<>(Utf8Order.STRINGS);
        for (Map.Entry<Labels, Long> e : refs.entrySet()) {
            e.getKey().forEach((name, value) -> {
                symbols.add(name);
                symbols.add(value);
                expected.computeIfAbsent(name, k -> new TreeMap<>(Utf8Order.STRINGS))
                        .computeIfAbsent(value, k -> new ArrayList<>()).add(e.getValue());
            });
        }
        assertEquals(new ArrayList<>(symbols), r.symbols());
        assertEquals(new ArrayList<>(expected.keySet()), r.labelNames());
        for (Map.Entry<String, TreeMap<String, List<Long>>> byName : expected.entrySet()) {
            assertEquals(new ArrayList<>(byName.getValue().keySet()), r.labelValues(byName.getKey()));
            for (Map.Entry<String, List<Long>> byValue : byName.getValue().entrySet()) {
                long[] want = byValue.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
                assertArrayEquals(want, ListPostings.expand(r.postings(byName.getKey(), byValue.getKey())),
                        byName.getKey() + "=" + byValue.getKey());
            }
        }
        long[] all = ListPostings.expand(r.allPostings());
        assertEquals(series.size(), all.length);
        SeriesBuilder sb = new SeriesBuilder();
        List<Labels> inOrder = new ArrayList<>(series.keySet());
        for (int i = 0; i < all.length; i++) {
            assertTrue(r.series(all[i], sb));
            Labels want = inOrder.get(i);
            assertEquals(want, sb.labels());
            assertEquals(refs.get(want), all[i]);
            assertEquals(series.get(want), sb.chunks());
        }
    }

    @Test
    void postings_severalValues_areUnionedOnceEach() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> series = new TreeMap<>(Utf8Order.LABELS);
        series.put(Labels.of("a", "1", "b", "x"), List.of());
        series.put(Labels.of("a", "2", "b", "x"), List.of());
        series.put(Labels.of("a", "3", "b", "y"), List.of());
        Path file = dir.resolve("index");
        Map<Labels, Long> refs = IndexFixtures.write(file, series);
        try (IndexReader r = IndexReader.open(file)) {
            long[] got = ListPostings.expand(r.postings("a", "3", "1", "missing", "1"));
            assertArrayEquals(new long[] {refs.get(Labels.of("a", "1", "b", "x")), refs.get(Labels.of("a", "3", "b", "y"))}, got);
            assertEquals(0, ListPostings.expand(r.postings("nope", "1")).length);
            assertEquals(0, ListPostings.expand(r.postings("a")).length);
            assertEquals(List.of(), r.labelValues("nope"));
        }
    }

    @Test
    void series_sharedStrings_areTheSameInstance() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> series = new TreeMap<>(Utf8Order.LABELS);
        series.put(Labels.of("job", "node", "i", "1"), List.of());
        series.put(Labels.of("job", "node", "i", "2"), List.of());
        Path file = dir.resolve("index");
        IndexFixtures.write(file, series);
        SymbolTable table = new SymbolTable();
        String interned = table.intern(new String("node".toCharArray()));
        try (IndexReader r = IndexReader.open(file, table)) {
            long[] all = ListPostings.expand(r.allPostings());
            SeriesBuilder a = new SeriesBuilder();
            SeriesBuilder b = new SeriesBuilder();
            r.series(all[0], a);
            r.series(all[1], b);
            assertSame(a.labels().get("job"), b.labels().get("job"));
            assertSame(interned, a.labels().get("job"));
        }
    }

    @Test
    void series_refOutsideSeriesSection_isFalse() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> series = new TreeMap<>(Utf8Order.LABELS);
        series.put(Labels.of("a", "b"), List.of(new ChunkMeta(8, 1, 2)));
        Path file = dir.resolve("index");
        IndexFixtures.write(file, series);
        try (IndexReader r = IndexReader.open(file)) {
            SeriesBuilder sb = new SeriesBuilder();
            assertFalse(r.series(0, sb));
            assertFalse(r.series(1 << 20, sb));
            assertFalse(r.series(-1, sb));
        }
    }

    @Test
    void emptyIndex_readsAsNoSeries() throws IOException {
        Path file = dir.resolve("index");
        new IndexWriter(file).close();
        try (IndexReader r = IndexReader.open(file)) {
            assertEquals(List.of(), r.labelNames());
            assertEquals(List.of(), r.symbols());
            assertFalse(r.allPostings().next());
            r.verify();
        }
    }

    @Test
    void writer_rejectsInvalidInput() throws IOException {
        try (IndexWriter w = new IndexWriter(dir.resolve("i1"))) {
            w.addSymbol("b");
            assertThrows(IllegalArgumentException.class, () -> w.addSymbol("a"));
            assertThrows(IllegalArgumentException.class, () -> w.addSymbol("b"));
        }
        try (IndexWriter w = new IndexWriter(dir.resolve("i2"))) {
            for (String s : List.of("", "a", "b", "c")) {
                w.addSymbol(s);
            }
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.EMPTY, List.of()));
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", ""), List.of()));
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "zzz"), List.of()),
                    "string not among the symbols");
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "b"),
                    List.of(new ChunkMeta(0, 10, 5))));
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "b"),
                    List.of(new ChunkMeta(0, 1, 5), new ChunkMeta(9, 5, 7))), "overlapping chunks");
            w.addSeries(Labels.of("a", "c"), List.of());
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "b"), List.of()));
            assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "c"), List.of()));
            assertThrows(IllegalStateException.class, () -> w.addSymbol("d"));
        }
        // the rejected series left nothing behind
        try (IndexReader r = IndexReader.open(dir.resolve("i2"))) {
            assertEquals(List.of("a"), r.labelNames());
            assertEquals(List.of("c"), r.labelValues("a"));
            assertEquals(1, ListPostings.expand(r.allPostings()).length);
            r.verify();
        }
    }

    @Test
    void utf8Order_agreesWithUtf8Bytes() {
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String a = IndexFixtures.randomString(rnd, 4);
            String b = IndexFixtures.randomString(rnd, 4);
            assertEquals(Integer.signum(Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8))),
                    Integer.signum(Utf8Order.compare(a, b)), a + " vs " + b);
        }
        // where Java's String order differs: U+FFFD sorts before U+1F600 in UTF-8
        assertTrue(Utf8Order.compare("\uFFFD", "😀") < 0);
        assertTrue("\uFFFD".compareTo("😀") > 0);
    }
}
