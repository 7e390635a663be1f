package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code tsdb list}: one row per block, in promtool's columns and layout (cmd/promtool/tsdb.go
 * printBlocks): BLOCK ULID, MIN TIME, MAX TIME, DURATION, NUM SAMPLES, NUM CHUNKS, NUM SERIES,
 * SIZE; with {@code humanReadable}, times as UTC dates and sizes as {@code 1KiB73B}.
 */
public final class TsdbList {
    private TsdbList() {
    }

    /**
     * Lists the blocks of {@code db}; blocks that do not open are reported on {@code err} and left out.
     *
     * @return the number of blocks left out
     */
    public static int run(Path db, boolean humanReadable, PrintWriter out, PrintWriter err) throws IOException {
        try (DbBlocks blocks = DbBlocks.open(db, err)) {
            TabTable t = header();
            for (Block b : blocks.blocks()) {
                row(t, b.meta(), DbBlocks.size(b), humanReadable);
            }
            out.print(t.render());
            out.flush();
            return blocks.skipped();
        }
    }

    /** promtool's block size (chunks, index, tombstones and meta.json bytes) of an open block. */
    public static long blockSize(Block b) throws IOException {
        return DbBlocks.size(b);
    }

    static TabTable header() {
        return new TabTable().row("BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS",
                "NUM SERIES", "SIZE");
    }

    static void row(TabTable t, BlockMeta m, long size, boolean humanReadable) {
        t.row(m.ulid().toString(),
                humanReadable ? GoText.utcTime(m.minTime()) : Long.toString(m.minTime()),
                humanReadable ? GoText.utcTime(m.maxTime()) : Long.toString(m.maxTime()),
                GoText.durationMillis(m.maxTime() - m.minTime()),
                Long.toString(m.stats().numSamples()),
                Long.toString(m.stats().numChunks()),
                Long.toString(m.stats().numSeries()),
                humanReadable ? GoText.base2Bytes(size) : Long.toString(size));
    }

    /**
     * What promtool's backfill prints after writing a block: a table of that one block, the header
     * only before the first (each block is laid out on its own, as promtool does).
     */
    public static String backfillRow(BlockMeta m, long size, boolean withHeader, boolean humanReadable) {
        TabTable t = withHeader ? header() : new TabTable();
        row(t, m, size, humanReadable);
        return t.render();
    }
}
