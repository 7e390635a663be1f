package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.tool.openmetrics.OpenMetricsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge rules of promtool's backfill, each checked against promtool itself on the same input:
 * what is dropped, what aborts, what is rewritten.
 */
class BackfillRulesTest {
    @TempDir
    Path tmp;

    @Test
    void outOfOrderWithinABatch_isDroppedSilently() throws IOException {
        assertSameBlocks("a 1 1000\na 2 500\na 3 1000\na 4 2000\n# EOF\n", 2);
    }

    @Test
    void outOfOrderAcrossBatches_abortsAndNamesTheLine() throws IOException {
        StringBuilder sb = new StringBuilder("a 1 1000\n");
        for (int i = 1; i <= Backfill.SAMPLES_PER_COMMIT; i++) {
            sb.append("b 1 ").append(i).append('\n');
        }
        sb.append("a 2 999\n# EOF\n");
        OpenMetricsException e = assertBothFail(sb.toString());
        assertEquals(Backfill.SAMPLES_PER_COMMIT + 2, e.line());
        assertTrue(e.getMessage().contains("out of order sample"), e.getMessage());
    }

    @Test
    void duplicateTimestampAcrossBatches_differentValueAborts_sameValueIsKeptOnce() throws IOException {
        StringBuilder sb = new StringBuilder("a 1 1000\n");
        for (int i = 1; i <= Backfill.SAMPLES_PER_COMMIT; i++) {
            sb.append("b 1 ").append(i).append('\n');
        }
        OpenMetricsException e = assertBothFail(sb + "a 2 1000\n# EOF\n");
        assertTrue(e.getMessage().contains("duplicate sample for timestamp"), e.getMessage());
        assertSameBlocks(sb + "a 1 1000\n# EOF\n", Backfill.SAMPLES_PER_COMMIT + 1);
    }

    @Test
    void emptyLabelValuesAreDropped_andSeriesWithTheSameLabelsMerge() throws IOException {
        assertSameBlocks("a{x=\"\",y=\"2\"} 1 1\na{y=\"2\"} 2 2\na{y=\"2\",x=\"\"} 3 3\n# EOF\n", 3);
    }

    @Test
    void duplicateLabelName_aborts() throws IOException {
        OpenMetricsException e = assertBothFail("a{x=\"1\",x=\"2\"} 1 1\n# EOF\n");
        assertTrue(e.getMessage().contains("label name \"x\" is not unique"), e.getMessage());
    }

    @Test
    void sampleWithoutTimestamp_abortsBeforeWritingAnything() throws IOException {
        OpenMetricsException e = assertBothFail("a 1 1\nb 2\n# EOF\n");
        assertEquals(2, e.line());
        try (var s = Files.list(tmp.resolve("cairn"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void negativeTimestamps_followPromtoolsTruncatingAlignment() throws IOException {
        // promtool aligns the start with Go's truncating division, so -7300.5 s falls before the first
        // window and is lost; we reproduce that rather than silently differ.
        assertSameBlocks("a 1 -7300.5\na 2 -1\n# EOF\n", 1);
    }

    @Test
    void noSamples_writesNoBlock() throws IOException {
        assertSameBlocks("# TYPE a gauge\n# EOF\n", 0);
    }

    @Test
    void maxBlockDuration_picksTheLargestCompatibleRange() {
        long h = 3_600_000L;
        assertEquals(2 * h, Backfill.compatibleBlockDuration(0));
        assertEquals(2 * h, Backfill.compatibleBlockDuration(5 * h));
        assertEquals(6 * h, Backfill.compatibleBlockDuration(6 * h));
        assertEquals(18 * h, Backfill.compatibleBlockDuration(24 * h));
        assertEquals(2 * h * 19683, Backfill.compatibleBlockDuration(Long.MAX_VALUE));
    }

    @Test
    void maxBlockDuration_sameBlocksAsPromtool() throws IOException {
        Path input = tmp.resolve("in.om");
        OpenMetricsFixture.write(input, 1_700_000_000_000L, 9, 3);
        Promtool.run("tsdb", "create-blocks-from", "--max-block-duration=6h", "openmetrics", input.toString(),
                tmp.resolve("promtool").toString());
        List<Backfill.WrittenBlock> blocks = Backfill.run(input, tmp.resolve("cairn"), 6 * 3_600_000L, null);
        assertTrue(blocks.size() >= 2);
        assertEquals(Promtool.dump(tmp.resolve("promtool")), Promtool.dump(tmp.resolve("cairn")));
        assertEquals(BackfillPromtoolTest.chunkBytes(tmp.resolve("promtool")), BackfillPromtoolTest.chunkBytes(tmp.resolve("cairn")));
    }

    private void assertSameBlocks(String text, int samples) throws IOException {
        Path input = tmp.resolve("in.om");
        Files.writeString(input, text, StandardCharsets.UTF_8);
        Path theirs = tmp.resolve("promtool");
        Path ours = tmp.resolve("cairn");
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", input.toString(), theirs.toString());
        Backfill.run(input, ours, 0, null);
        String dump = Promtool.dump(theirs);
        assertEquals(samples, dump.lines().count(), dump);
        assertEquals(dump, Promtool.dump(ours));
    }

    private OpenMetricsException assertBothFail(String text) throws IOException {
        Path input = tmp.resolve("in.om");
        Files.writeString(input, text, StandardCharsets.UTF_8);
        Promtool.Result r = Promtool.exec(Duration.ofSeconds(60), "tsdb", "create-blocks-from", "openmetrics",
                input.toString(), tmp.resolve("promtool").toString());
        assertEquals(1, r.exitCode(), "promtool accepted the input: " + r.stdout());
        return assertThrows(OpenMetricsException.class, () -> Backfill.run(input, tmp.resolve("cairn"), 0, null));
    }
}
