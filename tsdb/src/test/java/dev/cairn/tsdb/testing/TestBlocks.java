package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.storage.Querier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Small conveniences for block tests. */
public final class TestBlocks {
    private TestBlocks() {
    }

    /** Writes {@code series} (in index order) as one block under {@code parent}. */
    public static BlockMeta write(Path parent, List<Samples> series, BlockWriter.Options options) throws IOException {
        try (BlockWriter w = BlockWriter.create(parent, options)) {
            for (Samples s : series) {
                w.addSeries(s);
            }
            return w.commit();
        }
    }

    /** Every series of a querier. */
    public static List<Samples> selectAll(Querier q) {
        return Samples.drain(q.select(List.of(Matcher.of(MatchType.REGEX, "__name__", ".+"))));
    }
}
