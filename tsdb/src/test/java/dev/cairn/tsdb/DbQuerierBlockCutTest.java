package dev.cairn.tsdb;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A block cut (and the head truncated) while a querier is open: the querier still sees every sample once. */
class DbQuerierBlockCutTest {
    private static final long H = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path tmp;

    private static long count(Querier q) {
        long n = 0;
        SeriesSet s = q.select(List.of(Matcher.equal("__name__", "up")));
        while (s.next()) {
            ChunkIterator it = s.at().iterator(null);
            while (it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void select_afterABlockCutSinceTheQuerierWasMade_losesNothingAndCountsNothingTwice() throws Exception {
        try (Db db = Db.open(tmp, DbOptions.defaults().withCompactionInterval(Duration.ZERO))) {
            HeadAppender app = db.appender();
            for (long t = T0; t < T0 + 4 * H; t += 15_000) {
                app.append(Labels.of("__name__", "up", "job", "a"), t, 1);
            }
            app.commit();
            try (Querier q = db.querier(T0, T0 + 4 * H)) {
                assertTrue(db.compact() >= 1, "a block was cut");
                assertEquals(4 * 240, count(q));
                assertEquals(List.of("a"), q.labelValues("job", List.of()));
            }
            try (Querier q = db.querier(T0, T0 + 4 * H)) {
                assertEquals(4 * 240, count(q), "block and head after the cut");
            }
        }
    }
}
