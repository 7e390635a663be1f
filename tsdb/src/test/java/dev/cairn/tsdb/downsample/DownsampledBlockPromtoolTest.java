package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the real promtool 2.42 makes of a downsampled block (it knows no aggregate chunks). */
class DownsampledBlockPromtoolTest {
    @Test
    void promtool_listsAndAnalyzesDownsampledBlock_butDumpSilentlyPrintsNoSamples(@TempDir Path tmp) throws Exception {
        long start = 1_700_000_000_000L;
        List<Samples> raw = DownsamplingFixture.randomSeries(new Random(7), 4, start, 6 * 3_600_000L);
        BlockMeta rawMeta = TestBlocks.write(tmp.resolve("raw"), raw, BlockWriter.Options.defaults());
        Path db = tmp.resolve("db");
        BlockMeta down;
        try (Block b = Block.open(tmp.resolve("raw").resolve(rawMeta.ulid().toString()))) {
            down = new Downsampler(db).downsample(b, Downsampler.RES_5M);
        }
        String list = Promtool.run("tsdb", "list", db.toString());
        assertTrue(list.contains(down.ulid().toString()), list);
        assertTrue(list.contains(Long.toString(down.stats().numSamples())), "promtool counts windows as samples:\n" + list);

        // promtool's dump cannot decode encoding 0xff: each series' iterator fails at its first chunk,
        // and promtool 2.42 does not check the iterator's error, so it prints no sample and exits 0.
        Files.createDirectories(db.resolve("wal"));
        Promtool.Result dump = Promtool.exec(Duration.ofSeconds(60), "tsdb", "dump", db.toString());
        assertEquals(0, dump.exitCode(), dump.stderr());
        assertEquals("", dump.stdout().strip(), "promtool prints no samples for aggregate chunks");
        Promtool.Result an = Promtool.exec(Duration.ofSeconds(60), "tsdb", "analyze", db.toString(), down.ulid().toString());
        assertEquals(0, an.exitCode(), "promtool tsdb analyze reads only the index: " + an.stderr());
        assertTrue(an.stdout().contains("Series: 4"), an.stdout());
        // The same data raw is dumped in full, so the silence is the encoding, not the setup.
        String rawDump = Promtool.dump(tmp.resolve("raw"));
        long rawLines = rawDump.lines().count();
        long rawSamples = raw.stream().mapToLong(Samples::size).sum();
        assertEquals(rawSamples, rawLines);
    }
}
