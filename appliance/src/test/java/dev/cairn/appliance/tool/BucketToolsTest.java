package dev.cairn.appliance.tool;

import dev.cairn.tsdb.tool.GoText;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.ship.BlockDeletion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.cairn.appliance.tool.TestBlocks.H;
import static dev.cairn.appliance.tool.TestBlocks.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cairn bucket ls|inspect|verify}'s logic over a filesystem bucket of known blocks. */
class BucketToolsTest {
    private static final Map<String, String> EU = Map.of("cluster", "eu1");
    private static final Map<String, String> US = Map.of("cluster", "us1", "replica", "a");

    @TempDir
    Path tmp;

    private FilesystemBucket bucket() throws Exception {
        return FilesystemBucket.open(tmp.resolve("bucket"));
    }

    @Test
    void goDuration_printsAsGo() {
        assertEquals("0s", GoText.durationMillis(0));
        assertEquals("500ms", GoText.durationMillis(500));
        assertEquals("1.5s", GoText.durationMillis(1500));
        assertEquals("5m0s", GoText.durationMillis(300_000));
        assertEquals("2h0m0s", GoText.durationMillis(2 * H));
        assertEquals("238h0m0s", GoText.durationMillis(238 * H));
        assertEquals("1h1m1.001s", GoText.durationMillis(H + 61_001));
        assertEquals("-2h0m0s", GoText.durationMillis(-2 * H));
    }

    @Test
    void ls_wide_listsEveryBlockWithRangeLevelResolutionSourceAndMarks() throws Exception {
        try (FilesystemBucket b = bucket()) {
            BlockMeta raw = TestBlocks.upload(b, tmp, EU, T0, T0 + 2 * H, 60_000, "sidecar", 0);
            BlockMeta down = TestBlocks.upload(b, tmp, EU, T0 + 2 * H, T0 + 4 * H, 300_000, "compactor", 300_000);
            BlockDeletion.mark(b, raw.ulid(), "test", Instant.parse("2024-02-03T04:05:06Z"));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertEquals(0, BucketLs.run(b, BucketLs.Format.WIDE, new PrintWriter(out), new PrintWriter(err)));
            assertEquals(raw.ulid() + " -- 2024-01-01 00:00 - 2024-01-01 02:00 Diff: 2h0m0s, Compaction: 1, Downsample: 0,"
                    + " Source: sidecar, Marked for deletion at 2024-02-03T04:05:06Z\n"
                    + down.ulid() + " -- 2024-01-01 02:00 - 2024-01-01 04:00 Diff: 2h0m0s, Compaction: 1,"
                    + " Downsample: 300000, Source: compactor\n", out.toString());
            assertEquals("", err.toString());

            StringWriter ids = new StringWriter();
            BucketLs.run(b, BucketLs.Format.ULID, new PrintWriter(ids), new PrintWriter(new StringWriter()));
            assertEquals(raw.ulid() + "\n" + down.ulid() + "\n", ids.toString());
        }
    }

    @Test
    void ls_corruptMetaAndPartialUpload_reportedOnStderrAndCounted() throws Exception {
        try (FilesystemBucket b = bucket()) {
            BlockMeta ok = TestBlocks.upload(b, tmp, EU, T0, T0 + 2 * H, 60_000, "sidecar", 0);
            BlockMeta bad = TestBlocks.upload(b, tmp, EU, T0 + 2 * H, T0 + 4 * H, 60_000, "sidecar", 0);
            Files.writeString(tmp.resolve("bucket").resolve(bad.ulid().toString()).resolve("meta.json"), "{not json");
            Ulid partial = Ulid.generate();
            Files.createDirectories(tmp.resolve("bucket").resolve(partial.toString()).resolve("chunks"));
            Files.write(tmp.resolve("bucket").resolve(partial.toString()).resolve("chunks").resolve("000001"), new byte[8]);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertEquals(1, BucketLs.run(b, BucketLs.Format.ULID, new PrintWriter(out), new PrintWriter(err)));
            assertEquals(ok.ulid() + "\n", out.toString());
            assertTrue(err.toString().contains("block " + bad.ulid() + " left out: "), err.toString());
            assertTrue(err.toString().contains("1 partial block(s) without meta.json") && err.toString().contains(
                    partial.toString()), err.toString());
        }
    }

    @Test
    void inspect_table_hasThanosColumnsFormatsAndOrder() throws Exception {
        try (FilesystemBucket b = bucket()) {
            // uploaded out of time order: the table sorts by FROM, UNTIL
            BlockMeta later = TestBlocks.upload(b, tmp, EU, T0 + 24 * H, T0 + 26 * H, 300_000, "compactor", 300_000);
            BlockMeta first = TestBlocks.upload(b, tmp, EU, T0, T0 + 2 * H, 1_000, "receive", 0);
            BlockMeta other = TestBlocks.upload(b, tmp, US, T0 + 2 * H, T0 + 4 * H, 60_000, "sidecar", 0);
            StringWriter out = new StringWriter();
            BucketInspect.run(b, Map.of(), BucketInspect.DEFAULT_SORT, new PrintWriter(out));
            List<String> lines = out.toString().lines().toList();
            assertEquals(5, lines.size(), out.toString());
            assertEquals(BucketInspect.COLUMNS, cells(lines.get(0)));
            assertTrue(lines.get(1).matches("\\|(-+\\|){13}"), lines.get(1));
            assertEquals(List.of(first.ulid().toString(), "01-01-2024 00:00:00", "01-01-2024 02:00:00", "2h0m0s",
                    "38h0m0s", "3", "21,600", "186", "1", "false", "cluster=eu1", "0s", "receive"), cells(lines.get(2)));
            assertEquals(186, first.stats().numChunks(), "the chunk cutter's 62 chunks a series for 7,200 samples");
            assertEquals(List.of(other.ulid().toString(), "01-01-2024 02:00:00", "01-01-2024 04:00:00", "2h0m0s",
                    "38h0m0s", "3", "360", "3", "1", "false", "cluster=us1,replica=a", "0s", "sidecar"), cells(lines.get(3)));
            assertEquals(List.of(later.ulid().toString(), "02-01-2024 00:00:00", "02-01-2024 02:00:00", "2h0m0s",
                    "238h0m0s", "3", "72", "3", "1", "false", "cluster=eu1", "5m0s", "compactor"), cells(lines.get(4)));
            // every row as wide as the header: a table, not ragged text
            assertTrue(lines.stream().allMatch(l -> l.length() == lines.get(0).length()), out.toString());

            StringWriter us = new StringWriter();
            BucketInspect.run(b, Map.of("cluster", "us1"), List.of("#SAMPLES"), new PrintWriter(us));
            assertEquals(3, us.toString().lines().count(), us.toString());
            assertTrue(us.toString().contains(other.ulid().toString()), us.toString());

            StringWriter bySamples = new StringWriter();
            BucketInspect.run(b, Map.of(), List.of("#samples"), new PrintWriter(bySamples));
            List<String> order = bySamples.toString().lines().skip(2).map(l -> cells(l).get(0)).toList();
            // by value: 72 < 360 < 21,600 (as text "21,600" would sort first)
            assertEquals(List.of(later.ulid().toString(), other.ulid().toString(), first.ulid().toString()), order);

            assertThrows(IllegalArgumentException.class,
                    () -> BucketInspect.run(b, Map.of(), List.of("SIZE"), new PrintWriter(new StringWriter())));
        }
    }

    @Test
    void verify_wholeBlocks_reportsEachOkAndNoProblems() throws Exception {
        try (FilesystemBucket b = bucket()) {
            BlockMeta one = TestBlocks.upload(b, tmp, EU, T0, T0 + 2 * H, 60_000, "sidecar", 0);
            BlockMeta two = TestBlocks.upload(b, tmp, EU, T0 + H, T0 + 3 * H, 60_000, "sidecar", 0);
            StringWriter out = new StringWriter();
            Path scratch = tmp.resolve("scratch");
            assertEquals(0, BucketVerify.run(b, scratch, Set.of(), new PrintWriter(out)), out.toString());
            String text = out.toString();
            assertTrue(text.contains(one.ulid() + " ok: 3 series, 360 samples, 3 chunks\n"), text);
            assertTrue(text.contains(two.ulid() + " ok: 3 series, 360 samples, 3 chunks\n"), text);
            assertTrue(text.contains("note: blocks " + one.ulid() + " and " + two.ulid()), "overlap noted: " + text);
            assertTrue(text.endsWith("verified 2 block(s) of bucket " + b.name() + ": no problems\n"), text);
            assertTrue(!Files.exists(scratch), "scratch directory removed");
        }
    }

    @Test
    void verify_corruptChunkAndUnreadableMeta_reportsBothAndCountsProblems() throws Exception {
        try (FilesystemBucket b = bucket()) {
            BlockMeta ok = TestBlocks.upload(b, tmp, EU, T0, T0 + 2 * H, 60_000, "sidecar", 0);
            BlockMeta flipped = TestBlocks.upload(b, tmp, EU, T0 + 2 * H, T0 + 4 * H, 60_000, "sidecar", 0);
            BlockMeta badMeta = TestBlocks.upload(b, tmp, EU, T0 + 4 * H, T0 + 6 * H, 60_000, "sidecar", 0);
            // one bit of sample data flipped, past the segment header: only the chunk's CRC can tell
            Path segment = tmp.resolve("bucket").resolve(flipped.ulid().toString()).resolve("chunks").resolve("000001");
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                long at = f.length() - 10;
                f.seek(at);
                int v = f.read();
                f.seek(at);
                f.write(v ^ 0x10);
            }
            Files.writeString(tmp.resolve("bucket").resolve(badMeta.ulid().toString()).resolve("meta.json"), "[]",
                    StandardCharsets.UTF_8);
            StringWriter out = new StringWriter();
            int problems = BucketVerify.run(b, tmp.resolve("scratch"), Set.of(), new PrintWriter(out));
            String text = out.toString();
            assertEquals(2, problems, text);
            assertTrue(text.contains(ok.ulid() + " ok: "), text);
            String line = text.lines().filter(l -> l.startsWith(flipped.ulid() + " ")).findFirst().orElseThrow();
            assertTrue(line.startsWith(flipped.ulid() + " PROBLEM: " + b.name() + "/" + flipped.ulid() + "/chunks/000001 ")
                    && line.contains("checksum"), line);
            assertTrue(text.contains(badMeta.ulid() + " PROBLEM: meta.json unusable: "), text);
            assertTrue(text.endsWith(": 2 problem(s)\n"), text);

            // --id narrows to the named blocks
            StringWriter one = new StringWriter();
            assertEquals(0, BucketVerify.run(b, tmp.resolve("scratch"), Set.of(ok.ulid()), new PrintWriter(one)));
            assertTrue(!one.toString().contains(flipped.ulid().toString()), one.toString());
            StringWriter missing = new StringWriter();
            Ulid nowhere = Ulid.generate();
            assertEquals(1, BucketVerify.run(b, tmp.resolve("scratch"), Set.of(nowhere), new PrintWriter(missing)));
            assertTrue(missing.toString().contains(nowhere + " PROBLEM: no such block"), missing.toString());
        }
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return java.util.Arrays.stream(inner.split("\\|")).map(String::strip).toList();
    }
}
