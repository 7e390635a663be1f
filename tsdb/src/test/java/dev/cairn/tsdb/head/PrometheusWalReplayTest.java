package dev.cairn.tsdb.head;

import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.testing.PromDump;
import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other direction of WAL compatibility: a WAL written by the real Prometheus 2.42 (through
 * {@code promtool tsdb bench write}, which appends into a TSDB with compaction off, so everything
 * stays in its WAL) replays into our head with the same samples promtool's own dump shows.
 */
class PrometheusWalReplayTest {
    @TempDir
    Path dir;

    @Test
    void replay_walWrittenByPrometheus_sameSamplesAsPromtoolDump() throws IOException {
        Path seriesFile = dir.resolve("series.json");
        HeadBench.writeSeriesFile(seriesFile, 500);
        Path out = dir.resolve("bench");
        Promtool.run(Duration.ofSeconds(120), "tsdb", "bench", "write", "--out", out.toString(),
                "--metrics", "500", "--scrapes", "100", seriesFile.toString());
        Path db = out.resolve("storage");
        assertTrue(Files.isDirectory(db.resolve("wal")), "promtool left no WAL in " + db);
        String promDump = Promtool.dump(db);

        // copy the WAL: opening it for appending would add a segment to promtool's directory
        Path wal = dir.resolve("wal-copy");
        Files.createDirectories(wal);
        try (var files = Files.list(db.resolve("wal"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)) {
                    Files.copy(p, wal.resolve(p.getFileName()));
                }
            }
        }
        Head head = Head.open(wal, HeadOptions.defaults(), WalOptions.defaults().withSyncPolicy(SyncPolicy.NONE),
                Long.MIN_VALUE);
        List<Samples> ours = HeadTestSupport.selectAll(head.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        ours.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        head.close();
        assertEquals(500, ours.size());
        assertEquals(500L * 100, head.stats().samplesAppended());
        PromDump.assertSameDump(promDump, PromDump.render(ours));
    }
}
