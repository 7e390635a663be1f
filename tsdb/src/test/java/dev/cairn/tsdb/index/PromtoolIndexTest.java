package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with the real Prometheus 2.42: we read the index promtool writes, and promtool
 * reads the index we write (same bytes, same dump).
 */
class PromtoolIndexTest {
    private static final long T0 = 1_700_000_000L; // seconds; the block window [1699999200, 1700006400) holds all samples

    @TempDir
    static Path dir;
    /** What the OpenMetrics input holds: series → timestamps in ms (values are the sample index). */
    private static final Map<Labels, List<Long>> INPUT = new TreeMap<>(Utf8Order.LABELS);
    private static Path block;

    @BeforeAll
    static void createBlock() throws Exception {
        Promtool.requireInstalled();
        StringBuilder om = new StringBuilder();
        om.append("# TYPE req gauge\n");
        for (int p = 0; p < 45; p++) {
            for (String code : List.of("200", "500")) {
                addSeries(om, "req", List.of("code", code, "path", "/p" + p), 3, 60);
            }
        }
        om.append("# TYPE temp gauge\n");
        addSeries(om, "temp", List.of("room", "küche", "note", "line1\nline2"), 600, 10);
        addSeries(om, "temp", List.of("room", "中文", "note", "say \"hi\" \\o/"), 250, 15);
        addSeries(om, "temp", List.of("room", "😀"), 5, 30);
        addSeries(om, "temp", List.of("room", "\uFFFD"), 5, 30);
        addSeries(om, "temp", List.of("room", "\uE000x"), 5, 30);
        om.append("# EOF\n");
        Path input = dir.resolve("input.om");
        Files.writeString(input, om, StandardCharsets.UTF_8);
        Path out = dir.resolve("promtool-db");
        Promtool.run(dir, "tsdb", "create-blocks-from", "openmetrics", input.toString(), out.toString());
        List<Path> blocks;
        try (Stream<Path> s = Files.list(out)) {
            blocks = s.filter(Files::isDirectory).toList();
        }
        assertEquals(1, blocks.size(), "one 2h block expected: " + blocks);
        block = blocks.get(0);
    }

    private static void addSeries(StringBuilder om, String metric, List<String> kv, int samples, int stepSeconds) {
        List<String> all = new ArrayList<>(kv);
        all.add("__name__");
        all.add(metric);
        Labels labels = Labels.of(all.toArray(new String[0]));
        List<Long> ts = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long t = T0 + (long) i * stepSeconds;
            om.append(metric).append('{');
            for (int j = 0; j < kv.size(); j += 2) {
                if (j > 0) {
                    om.append(',');
                }
                om.append(kv.get(j)).append("=\"").append(kv.get(j + 1).replace("\\", "\\\\")
                        .replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            om.append("} ").append(i).append(' ').append(t).append('\n');
            ts.add(t * 1000);
        }
        INPUT.put(labels, ts);
    }

    @Test
    void reader_promtoolIndex_holdsTheSeriesWeWrote() throws IOException {
        try (IndexReader r = IndexReader.open(block.resolve("index"))) {
            r.verify();
            SeriesBuilder sb = new SeriesBuilder();
            long[] all = ListPostings.expand(r.allPostings());
            assertEquals(INPUT.size(), all.length);
            List<Labels> read = new ArrayList<>();
            for (long ref : all) {
                assertTrue(r.series(ref, sb));
                read.add(sb.labels());
                List<Long> ts = INPUT.get(sb.labels());
                List<ChunkMeta> chunks = sb.chunks();
                assertFalse(chunks.isEmpty(), sb.labels() + " has no chunks");
                assertEquals(ts.get(0), chunks.get(0).minTime(), sb.labels().toString());
                assertEquals(ts.get(ts.size() - 1), chunks.get(chunks.size() - 1).maxTime(), sb.labels().toString());
                if (ts.size() > 240) {
                    assertTrue(chunks.size() >= 2, "a long series is cut into several chunks");
                }
            }
            // the index lists series in Go's byte order, which our Utf8Order reproduces
            assertEquals(new ArrayList<>(INPUT.keySet()), read);

            assertEquals(List.of("__name__", "code", "note", "path", "room"), r.labelNames());
            assertEquals(List.of("req", "temp"), r.labelValues("__name__"));
            assertEquals(45, r.labelValues("path").size());
            assertEquals(List.of("küche", "中文", "\uE000x", "\uFFFD", "😀"), r.labelValues("room"));
            for (String path : r.labelValues("path")) {
                long[] refs = ListPostings.expand(r.postings("path", path));
                assertEquals(2, refs.length, path);
                for (long ref : refs) {
                    r.series(ref, sb);
                    assertEquals(path, sb.labels().get("path"));
                }
            }
            long[] code500 = ListPostings.expand(r.postings("code", "500"));
            assertEquals(45, code500.length);
            long[] sel = ListPostings.expand(PostingsForMatchers.select(r,
                    dev.cairn.tsdb.labels.Matcher.regex("path", "/p1.*"), dev.cairn.tsdb.labels.Matcher.equal("code", "500")));
            assertEquals(11, sel.length, "/p1 and /p10../p19 with code 500");
        }
    }

    @Test
    void writer_sameSeriesAsPromtool_writesTheSameBytes() throws IOException {
        Path ours = dir.resolve("index-rewritten");
        rewrite(block.resolve("index"), ours);
        assertArrayEquals(Files.readAllBytes(block.resolve("index")), Files.readAllBytes(ours),
                "our writer must lay out the index exactly as Prometheus 2.42 does");
    }

    @Test
    void promtool_readsOurIndex_dumpAndAnalyzeAsTheOriginal() throws Exception {
        Path origDb = dir.resolve("orig-db");
        Path ourDb = dir.resolve("our-db");
        copyBlock(block, origDb.resolve(block.getFileName()));
        copyBlock(block, ourDb.resolve(block.getFileName()));
        Files.createDirectories(origDb.resolve("wal"));
        Files.createDirectories(ourDb.resolve("wal"));
        Path ourIndex = ourDb.resolve(block.getFileName()).resolve("index");
        Path tmp = dir.resolve("index-for-dump");
        rewrite(block.resolve("index"), tmp);
        Files.copy(tmp, ourIndex, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        String want = Promtool.run(dir, "tsdb", "dump", origDb.toString());
        String got = Promtool.run(dir, "tsdb", "dump", ourDb.toString());
        long samples = INPUT.values().stream().mapToLong(List::size).sum();
        assertEquals(samples, want.lines().count(), "promtool dumps every sample of the input");
        assertEquals(want, got);

        String analyzeWant = Promtool.run(dir, "tsdb", "analyze", origDb.toString());
        String analyzeGot = Promtool.run(dir, "tsdb", "analyze", ourDb.toString());
        assertTrue(analyzeGot.contains("Series: " + INPUT.size()), analyzeGot);
        // analyze breaks ties in its top-20 lists in Go map order, which is random: compare the
        // summary lines and the lines with a count nothing else shares
        assertEquals(stableAnalyzeLines(analyzeWant), stableAnalyzeLines(analyzeGot));
    }

    private static List<String> stableAnalyzeLines(String analyze) {
        Map<String, Long> countOfCount = new TreeMap<>();
        for (String l : analyze.lines().toList()) {
            String first = l.split(" ", 2)[0];
            countOfCount.merge(first, 1L, Long::sum);
        }
        return analyze.lines().filter(l -> !l.matches("\\d+ .*") || countOfCount.get(l.split(" ", 2)[0]) == 1)
                .sorted().toList();
    }

    @Test
    void promtool_analyzesOurIndexOfRandomUnicodeSeries() throws Exception {
        // random label sets (multi-byte, U+E000.., beyond U+FFFF; >32 values a name so Prometheus's
        // sampled offset table is exercised); newlines left out only because analyze prints raw values
        TreeMap<Labels, List<ChunkMeta>> series = new TreeMap<>(Utf8Order.LABELS);
        java.util.Random rnd = new java.util.Random(5);
        IndexFixtures.randomSeries(rnd, 3000, 150).forEach((l, chunks) -> {
            if (!l.toString().contains("\\n")) {
                series.put(l, chunks.isEmpty() ? List.of(new ChunkMeta(8, 0, 1)) : chunks);
            }
        });
        Path db = dir.resolve("random-db");
        Path blockDir = db.resolve(block.getFileName());
        copyBlock(block, blockDir);
        Files.createDirectories(db.resolve("wal"));
        Path index = blockDir.resolve("index");
        Files.delete(index);
        IndexFixtures.write(index, series);

        TreeMap<String, TreeMap<String, Integer>> pairs = new TreeMap<>();
        long entries = 0;
        for (Labels l : series.keySet()) {
            for (int i = 0; i < l.size(); i++) {
                pairs.computeIfAbsent(l.name(i), k -> new TreeMap<>()).merge(l.value(i), 1, Integer::sum);
                entries++;
            }
        }
        long uniquePairs = pairs.values().stream().mapToLong(Map::size).sum();
        String out = Promtool.run(dir, "tsdb", "analyze", "--limit=1000", db.toString());
        assertTrue(out.contains("\nLabel names: " + pairs.size() + "\n"), out);
        assertTrue(out.contains("\nPostings (unique label pairs): " + uniquePairs + "\n"), out);
        assertTrue(out.contains("\nPostings entries (total label pairs): " + entries + "\n"), out);
        // per metric name, promtool counts the series of Postings("__name__", name): every count must be ours
        String metrics = out.substring(out.indexOf("Highest cardinality metric names:\n") + 34);
        int checked = 0;
        for (String line : metrics.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int sp = line.indexOf(' ');
            assertEquals(pairs.get("__name__").get(line.substring(sp + 1)), Integer.valueOf(line.substring(0, sp)), line);
            checked++;
        }
        assertEquals(pairs.get("__name__").size(), checked);
    }

    /** Reads {@code from} with our reader and writes the same symbols and series with our writer. */
    static void rewrite(Path from, Path to) throws IOException {
        try (IndexReader r = IndexReader.open(from); IndexWriter w = new IndexWriter(to)) {
            for (String s : r.symbols()) {
                w.addSymbol(s);
            }
            SeriesBuilder sb = new SeriesBuilder();
            Postings all = r.allPostings();
            while (all.next()) {
                r.series(all.at(), sb);
                w.addSeries(sb.labels(), new ArrayList<>(sb.chunks()));
            }
        }
    }

    private static void copyBlock(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
