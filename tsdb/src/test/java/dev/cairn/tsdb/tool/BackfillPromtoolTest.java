package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.testing.Promtool;
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

/** Cairn's backfill against promtool's on the same OpenMetrics input, read back by promtool. */
class BackfillPromtoolTest {
    @TempDir
    Path tmp;

    @Test
    void backfill_sameInput_promtoolReadsSameSamplesAndChunksAsFromItsOwnBlocks() throws IOException {
        Path input = tmp.resolve("in.om");
        long lines = OpenMetricsFixture.write(input, 1_700_000_123_456L, 7, 1);
        assertTrue(lines > 10_000, "fixture too small: " + lines);
        Path theirs = tmp.resolve("promtool");
        Path ours = tmp.resolve("cairn");
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", input.toString(), theirs.toString());
        List<Backfill.WrittenBlock> blocks = Backfill.run(input, ours, 0, null);
        assertTrue(blocks.size() >= 4, "expected several 2h blocks, got " + blocks.size());

        String theirDump = Promtool.dump(theirs);
        String ourDump = Promtool.dump(ours);
        assertTrue(theirDump.lines().count() > 10_000);
        assertEquals(theirDump, ourDump);

        // Same blocks: ranges and counts per block (ULIDs and sizes aside).
        assertEquals(listColumns(theirs), listColumns(ours));

        for (Backfill.WrittenBlock b : blocks) {
            Promtool.run("tsdb", "analyze", ours.toString(), b.meta().ulid().toString());
        }
        long theirBytes = chunkBytes(theirs);
        long ourBytes = chunkBytes(ours);
        assertTrue(Math.abs(theirBytes - ourBytes) <= theirBytes / 100,
                "chunk bytes: promtool " + theirBytes + ", cairn " + ourBytes);
        assertEquals(theirBytes, ourBytes, "the head emulation should give byte-identical chunks");
    }

    /** `promtool tsdb list` rows without the ULID and SIZE columns. */
    private static List<String> listColumns(Path db) {
        List<String> rows = new ArrayList<>();
        for (String line : Promtool.run("tsdb", "list", db.toString()).split("\n")) {
            String[] f = line.trim().split("\\s{2,}");
            rows.add(String.join("|", java.util.Arrays.copyOfRange(f, 1, f.length - 1)));
        }
        return rows;
    }

    static long chunkBytes(Path db) throws IOException {
        try (Stream<Path> files = Files.walk(db)) {
            return files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("chunks")
                    && Files.isRegularFile(p)).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
