package dev.cairn.cli;

import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.tool.OpenMetricsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 2's acceptance through the command line: the same OpenMetrics input backfilled by promtool
 * and by {@code cairn tsdb create-blocks-from}; each tool reads the other's blocks and prints the same.
 */
class TsdbPromtoolCompatTest {
    @TempDir
    static Path tmp;
    static Path input;
    static Path theirs;
    static Path ours;
    static CliRun created;

    @BeforeAll
    static void backfillWithBoth() throws IOException {
        input = tmp.resolve("in.om");
        long lines = OpenMetricsFixture.write(input, 1_700_000_045_678L, 9, 11);
        assertTrue(lines > 15_000, "fixture: " + lines + " samples");
        theirs = tmp.resolve("promtool");
        ours = tmp.resolve("cairn");
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", input.toString(), theirs.toString());
        created = CliRun.of("tsdb", "create-blocks-from", "openmetrics", input.toString(), ours.toString());
        assertEquals(0, created.exitCode(), created.toString());
        Files.createDirectories(theirs.resolve("wal"));
        Files.createDirectories(ours.resolve("wal"));
    }

    @Test
    void cairnDump_ofPromtoolBlocks_equalsPromtoolDump() {
        String expected = Promtool.run("tsdb", "dump", theirs.toString());
        assertTrue(expected.lines().count() > 15_000);
        CliRun r = CliRun.of("tsdb", "dump", theirs.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(expected, r.out());
        assertEquals("", r.err());
    }

    @Test
    void promtoolDump_ofCairnBlocks_equalsPromtoolDumpOfItsOwnBlocks() {
        assertEquals(Promtool.run("tsdb", "dump", theirs.toString()), Promtool.run("tsdb", "dump", ours.toString()));
    }

    @Test
    void promtoolAnalyze_acceptsEveryCairnBlock() throws IOException {
        List<String> ids = ulids(ours);
        assertTrue(ids.size() >= 5, ids.toString());
        for (String id : ids) {
            String out = Promtool.run("tsdb", "analyze", "--extended", ours.toString(), id);
            assertTrue(out.startsWith("Block ID: " + id + "\n"), out);
        }
    }

    @Test
    void chunkBytes_withinOnePercentOfPromtool() throws IOException {
        long a = chunkBytes(theirs);
        long b = chunkBytes(ours);
        assertTrue(Math.abs(a - b) * 100 <= a, "promtool " + a + " bytes, cairn " + b);
    }

    @Test
    void createBlocks_printsTheBlocksLikePromtoolDoes_andListAgrees() {
        // promtool prints each new block as it is written; ULIDs and sizes are ours, the rest must match.
        String ourList = CliRun.of("tsdb", "list", ours.toString()).out();
        assertEquals(withoutIdAndSize(Promtool.run("tsdb", "list", theirs.toString())), withoutIdAndSize(ourList));
        assertEquals(withoutIdAndSize(ourList), withoutIdAndSize(created.out()));
        assertEquals(Promtool.run("tsdb", "list", ours.toString()), ourList);
        assertEquals(Promtool.run("tsdb", "list", "-r", ours.toString()), CliRun.of("tsdb", "list", "-r", ours.toString()).out());
    }

    private static List<String> withoutIdAndSize(String table) {
        List<String> out = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] f = line.trim().split("\\s{2,}");
            out.add(String.join("|", java.util.Arrays.copyOfRange(f, 1, f.length - 1)));
        }
        return out;
    }

    private static List<String> ulids(Path db) throws IOException {
        try (Stream<Path> s = Files.list(db)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.length() == 26).sorted().toList();
        }
    }

    private static long chunkBytes(Path db) throws IOException {
        long n = 0;
        for (String id : ulids(db)) {
            try (Stream<Path> s = Files.list(db.resolve(id).resolve("chunks"))) {
                n += s.mapToLong(p -> p.toFile().length()).sum();
            }
        }
        return n;
    }
}
