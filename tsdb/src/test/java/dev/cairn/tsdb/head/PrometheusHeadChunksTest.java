package dev.cairn.tsdb.head;

import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code chunks_head/} crosses between Cairn and the real Prometheus 2.42 both ways: Cairn restarts
 * from the head chunks and WAL that {@code promtool tsdb bench write} left, and promtool reads the
 * head chunks Cairn wrote — proven by samples that only the chunk files hold any more.
 */
class PrometheusHeadChunksTest {
    @TempDir
    Path dir;

    @Test
    void open_headChunksWrittenByPrometheus_takenAsFullChunks_sameSamplesAsPromtoolDump() throws IOException {
        Path seriesFile = dir.resolve("series.json");
        HeadBench.writeSeriesFile(seriesFile, 500);
        Path out = dir.resolve("bench");
        Promtool.run(Duration.ofSeconds(120), "tsdb", "bench", "write", "--out", out.toString(),
                "--metrics", "500", "--scrapes", "300", seriesFile.toString());
        Path db = out.resolve("storage");
        assertTrue(Files.isDirectory(db.resolve("chunks_head")), "promtool left no chunks_head in " + db);
        String promDump = Promtool.dump(db);

        // a copy: opening it for appending would add a segment and a chunk file to promtool's directory
        Path copy = dir.resolve("copy");
        for (String sub : new String[]{"wal", "chunks_head"}) {
            Files.createDirectories(copy.resolve(sub));
            try (Stream<Path> files = Files.list(db.resolve(sub))) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p)) {
                        Files.copy(p, copy.resolve(sub).resolve(p.getFileName()));
                    }
                }
            }
        }
        Head head = Head.open(copy.resolve("wal"), HeadOptions.defaults(),
                WalOptions.defaults().withSyncPolicy(SyncPolicy.NONE), Long.MIN_VALUE);
        HeadRestore r = head.restore();
        assertNull(r.chunksRepaired(), "Prometheus's chunk files read without damage");
        // 300 samples 30 s apart from t=30 s: full chunks of 120 samples and of 119 (cut at the 2h
        // boundary), the 61 after it in the open chunk
        assertEquals(500L * 2, r.mmappedChunks(), r.toString());
        assertEquals(500L * 61, r.walSamples(), "only the open chunks' samples came from the WAL: " + r);
        List<Samples> ours = HeadTestSupport.selectAll(head.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        ours.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        head.close();
        assertEquals(500, ours.size());
        PromDump.assertSameDump(promDump, PromDump.render(ours));
    }

    @Test
    void promtoolDump_readsHeadChunksWrittenByCairn_samplesOnlyInChunkFilesIncluded() throws IOException {
        Path db = dir.resolve("db");
        long range = HeadOptions.DEFAULT_CHUNK_RANGE;
        WalOptions wo = WalOptions.defaults().withSyncPolicy(SyncPolicy.NONE).withSegmentSize(32 * 1024);
        Head h = Head.open(db.resolve("wal"), HeadOptions.defaults().withChunkWriteBuffer(0), wo, Long.MIN_VALUE);
        long t0 = 1_700_000_000_000L / range * range;
        Head all = Head.inMemory(HeadOptions.defaults());
        for (Head x : new Head[]{h, all}) {
            HeadAppender a = x.appender();
            for (int k = 0; k < 600; k++) {
                for (int i = 0; i < 100; i++) {
                    a.append(Labels.of("__name__", "cairn_chunks", "i", Integer.toString(i)), t0 + k * 15_000L,
                            i * 1000 + k * 0.5);
                }
                a.commit();
            }
        }
        // truncate inside the chunk of samples 120..239: the checkpoint drops WAL samples before
        // sample 200, while chunks_head keeps the chunks of samples 0..119 (its file holds a newer
        // chunk) and 120..239, so it alone holds samples 0..199; Prometheus, reading with no
        // min valid time, shows them only if it read Cairn's chunk files
        long mint = t0 + 200 * 15_000L;
        h.truncate(mint);
        List<Samples> ours = HeadTestSupport.selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(t0 + 120 * 15_000L, ours.get(0).t(0), "the head keeps the whole chunk that straddles the truncation");
        h.snapshotOnClose(false);
        h.close();
        try (Stream<Path> s = Files.list(db.resolve("wal"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("checkpoint.")), "the WAL was checkpointed");
        }

        Promtool.Result res = Promtool.exec(Duration.ofSeconds(120), "tsdb", "dump", db.toString());
        assertEquals(0, res.exitCode(), res.stderr());
        assertFalse(res.stderr().contains("Loading on-disk chunks failed"), res.stderr());
        assertTrue(res.stdout().contains(" " + t0 + "\n"), "promtool shows samples that only Cairn's chunk files hold");
        List<Samples> expected = HeadTestSupport.selectAll(all.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        expected.sort((x, y) -> Utf8Order.LABELS.compare(x.labels(), y.labels()));
        PromDump.assertSameDump(PromDump.render(expected), res.stdout());
    }
}
