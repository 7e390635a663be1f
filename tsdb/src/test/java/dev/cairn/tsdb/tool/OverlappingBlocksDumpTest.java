package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.testing.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Overlapping blocks (two backfills into one directory): promtool dumps each series once, samples of
 * all blocks merged by time and equal samples once; so does Cairn.
 */
class OverlappingBlocksDumpTest {
    @TempDir
    Path tmp;

    @Test
    void dump_overlappingBlocks_mergesSeriesLikePromtool() throws IOException {
        long start = 1_700_000_000_000L;
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            long t = start + i * 10_000L;
            a.append("m{s=\"shared\"} ").append(i).append(' ').append(OpenMetricsFixture.seconds(t)).append('\n');
            // the second input holds the same series shifted by 5 s, and every 10th sample identical to the first
            long u = i % 10 == 0 ? t : t + 5_000L;
            double v = i % 10 == 0 ? i : i + 0.5;
            b.append("m{s=\"shared\"} ").append(v).append(' ').append(OpenMetricsFixture.seconds(u)).append('\n');
            b.append("m{s=\"only_b\"} ").append(i * 2).append(' ').append(OpenMetricsFixture.seconds(u)).append('\n');
            if (i < 700) {
                a.append("a_first 1 ").append(OpenMetricsFixture.seconds(t)).append('\n');
            }
        }
        Path db = tmp.resolve("db");
        for (StringBuilder in : new StringBuilder[] {a, b}) {
            Path f = tmp.resolve("in.om");
            Files.writeString(f, in + "# EOF\n", StandardCharsets.UTF_8);
            Promtool.run("tsdb", "create-blocks-from", "openmetrics", f.toString(), db.toString());
        }
        String theirs = Promtool.dump(db);
        assertEquals(700 + 1500 + 1500 + 1350, theirs.lines().count());
        StringWriter out = new StringWriter();
        TsdbDump.Result r = TsdbDump.run(db, Long.MIN_VALUE, Long.MAX_VALUE, SeriesSelector.parse(TsdbDump.MATCH_ALL),
                new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(theirs, out.toString());
        assertEquals(theirs.lines().count(), r.samples());
        assertEquals(0, r.skippedBlocks());

        String theirsClipped = Promtool.run("tsdb", "dump", "--min-time=" + (start + 3_600_000L),
                "--max-time=" + (start + 9_000_000L), "--match=m", db.toString());
        StringWriter clipped = new StringWriter();
        TsdbDump.run(db, start + 3_600_000L, start + 9_000_000L, SeriesSelector.parse("m"), new PrintWriter(clipped),
                new PrintWriter(new StringWriter()));
        assertTrue(theirsClipped.lines().count() > 1000);
        assertEquals(theirsClipped, clipped.toString());
    }

    @Test
    void dump_labelsBeyondTheBmp_mergeInGoStringOrder() throws IOException {
        // U+E000 sorts before U+1F600 in Go (UTF-8 bytes) but after it in Java's String.compareTo (UTF-16).
        Path db = tmp.resolve("db");
        String[] inputs = {"m{v=\"\uE000\"} 1 1\nm{v=\"\uD83D\uDE00\"} 1 1\n# EOF\n", "m{v=\"\uD83D\uDE00\"} 2 2\n# EOF\n"};
        for (String in : inputs) {
            Path f = tmp.resolve("in.om");
            Files.writeString(f, in, StandardCharsets.UTF_8);
            Promtool.run("tsdb", "create-blocks-from", "openmetrics", f.toString(), db.toString());
        }
        String theirs = Promtool.dump(db);
        assertEquals(3, theirs.lines().count(), theirs);
        StringWriter out = new StringWriter();
        TsdbDump.run(db, Long.MIN_VALUE, Long.MAX_VALUE, SeriesSelector.parse(TsdbDump.MATCH_ALL), new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        assertEquals(theirs, out.toString());
    }
}
