package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tsdb dump}: every sample of the selected series in promtool's format, one per line:
 * {@code {__name__="m", a="b"} VALUE TIMESTAMP_MS}, labels as Prometheus's Labels.String(), the
 * value as Go's {@code %g}.
 *
 * <p>Order, as promtool 2.42 (which reads through a merged querier over all blocks): series sorted
 * by labels, each once, its samples from all blocks merged by time, a timestamp present in several
 * blocks printed once (the block with the earliest minTime wins). Only blocks that overlap
 * [minTime, maxTime] are read; samples are clipped to it (inclusive).
 */
public final class TsdbDump {
    /** promtool's default {@code --match}: every series. */
    public static final String MATCH_ALL = "{__name__=~'(?s:.*)'}";

    private TsdbDump() {
    }

    /** What a dump did: samples printed, blocks left out because they do not open. */
    public record Result(long samples, int skippedBlocks) {
    }

    public static Result run(Path db, long minTime, long maxTime, List<Matcher> matchers, PrintWriter out, PrintWriter err)
            throws IOException {
        try (DbBlocks blocks = DbBlocks.open(db, err)) {
            if (DbBlocks.hasWal(db)) {
                err.println("cairn: warning: " + db.resolve("wal") + " is not read: samples still only in the write-ahead"
                        + " log (not yet in a block) are not dumped");
                err.flush();
            }
            List<Querier> queriers = new ArrayList<>();
            try {
                List<SeriesSet> sets = new ArrayList<>();
                for (Block b : blocks.blocks()) {
                    if (b.meta().overlapsClosed(minTime, maxTime)) {
                        Querier q = b.querier(minTime, maxTime);
                        queriers.add(q);
                        sets.add(q.select(matchers));
                    }
                }
                long n = 0;
                if (!sets.isEmpty()) {
                    n = print(MergeSeriesSet.of(sets), out);
                }
                out.flush();
                return new Result(n, blocks.skipped());
            } finally {
                for (Querier q : queriers) {
                    q.close();
                }
            }
        }
    }

    private static long print(SeriesSet set, PrintWriter out) {
        StringBuilder line = new StringBuilder(256);
        ChunkIterator it = null;
        long n = 0;
        while (set.next()) {
            Series s = set.at();
            line.setLength(0);
            GoText.appendLabels(line, s.labels());
            line.append(' ');
            int prefix = line.length();
            it = s.iterator(it);
            while (it.next()) {
                line.setLength(prefix);
                GoText.appendFloat(line, it.atV());
                line.append(' ').append(it.atT()).append('\n');
                out.append(line);
                if ((++n & 0xFFFF) == 0 && out.checkError()) {
                    return n; // the reader went away (e.g. `| head`): stop rather than read every block
                }
            }
        }
        out.flush();
        return n;
    }
}
