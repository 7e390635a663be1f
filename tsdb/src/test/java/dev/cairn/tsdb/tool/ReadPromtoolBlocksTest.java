package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.testing.Promtool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocks written by promtool, read by Cairn's list, dump and analyze: the same text as promtool prints. */
class ReadPromtoolBlocksTest {
    @TempDir
    static Path tmp;
    static Path db;

    @BeforeAll
    static void backfillWithPromtool() throws IOException {
        Path input = tmp.resolve("in.om");
        OpenMetricsFixture.write(input, 1_700_000_123_456L, 7, 2);
        db = tmp.resolve("db");
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", input.toString(), db.toString());
        Files.createDirectories(db.resolve("wal")); // promtool's dump needs one
    }

    @Test
    void dump_allSeries_equalsPromtoolDump() throws IOException {
        String theirs = Promtool.run("tsdb", "dump", db.toString());
        assertTrue(theirs.lines().count() > 10_000);
        assertEquals(theirs, dump(Long.MIN_VALUE, Long.MAX_VALUE, TsdbDump.MATCH_ALL));
    }

    @Test
    void dump_withMatchAndTimeRange_equalsPromtoolDump() throws IOException {
        String[][] cases = {
                {"http_requests_total{path=~\"/a.*|/new\\\\nline\"}", "1700003000000", "1700020000000"},
                {"{__name__=~\"temp.*|odd_values\",room!=\"cellar\"}", "-9223372036854775808", "1700010000000"},
                {"odd_values", "1700005000123", "1700005000123"},
                {"{path=\"/é日本\"}", "1700000000000", "1800000000000"},
                {"{job!~\"early\",__name__=\"job:up:sum\"}", "-9223372036854775808", "9223372036854775807"},
                {"nothing_here", "-9223372036854775808", "9223372036854775807"},
        };
        for (String[] c : cases) {
            String theirs = Promtool.run("tsdb", "dump", "--match=" + c[0], "--min-time=" + c[1], "--max-time=" + c[2],
                    db.toString());
            String ours = dump(Long.parseLong(c[1]), Long.parseLong(c[2]), c[0]);
            assertEquals(theirs, ours, "match " + c[0]);
        }
    }

    @Test
    void list_plainAndHumanReadable_equalPromtoolList() throws IOException {
        for (boolean human : new boolean[] {false, true}) {
            String theirs = human ? Promtool.run("tsdb", "list", "-r", db.toString())
                    : Promtool.run("tsdb", "list", db.toString());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            TsdbList.run(db, human, new PrintWriter(out), new PrintWriter(err));
            assertEquals(theirs, out.toString());
            assertEquals("", err.toString());
        }
    }

    @Test
    void analyze_everyBlock_sameSectionsAndEntriesAsPromtool() throws IOException {
        for (String ulid : ulids()) {
            String theirs = Promtool.run("tsdb", "analyze", "--limit=1000", "--extended", db.toString(), ulid);
            StringWriter out = new StringWriter();
            TsdbAnalyze.run(db, ulid, 1000, true, new PrintWriter(out), new PrintWriter(new StringWriter()));
            String ours = out.toString();
            assertTrue(ours.startsWith(theirs.substring(0, theirs.indexOf("\n\n"))), ours);
            // promtool orders ties arbitrarily: compare each section as a set of lines.
            assertEquals(sections(theirs), sections(ours.substring(0, ours.indexOf("\nStorage:\n") + 1)));
            assertTrue(ours.contains("\nStorage:\nChunks: "), ours);
        }
    }

    @Test
    void analyze_withoutBlockId_takesTheLastBlock() throws IOException {
        StringWriter out = new StringWriter();
        TsdbAnalyze.run(db, null, 20, false, new PrintWriter(out), new PrintWriter(new StringWriter()));
        List<String> ids = ulids();
        String last = Promtool.run("tsdb", "analyze", db.toString());
        assertEquals(last.lines().findFirst().orElseThrow(), out.toString().lines().findFirst().orElseThrow());
        assertTrue(ids.contains(out.toString().lines().findFirst().orElseThrow().substring("Block ID: ".length())));
    }

    private static List<String> ulids() throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : Promtool.run("tsdb", "list", db.toString()).split("\n")) {
            if (!line.startsWith("BLOCK ULID")) {
                ids.add(line.substring(0, 26));
            }
        }
        return ids;
    }

    private static List<TreeSet<String>> sections(String text) {
        List<TreeSet<String>> out = new ArrayList<>();
        for (String s : text.split("\n\n")) {
            out.add(new TreeSet<>(List.of(s.split("\n"))));
        }
        return out;
    }

    private static String dump(long mint, long maxt, String match) throws IOException {
        StringWriter out = new StringWriter();
        TsdbDump.run(db, mint, maxt, SeriesSelector.parse(match), new PrintWriter(out), new PrintWriter(new StringWriter()));
        return out.toString();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
