package dev.cairn.tsdb.block;

import dev.cairn.tsdb.compact.Compactor;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.testing.OpenMetricsInput;
import dev.cairn.tsdb.testing.PromDump;
import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tombstones and meta.json written by the real Prometheus (admin API delete_series) are read by
 * Cairn: the deleted samples disappear from our queries exactly as from promtool's dump, and our
 * compaction applies them.
 */
class PrometheusTombstonesTest {
    private static final long T0 = 236_112L * 7_200_000L;

    private static Path prometheusBinary() {
        Path p = Paths.get("/usr/bin/prometheus");
        if (!Files.isExecutable(p)) {
            throw new AssertionError("/usr/bin/prometheus not found; install it with `apt-get install prometheus`");
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static int http(String method, String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(2000);
        c.setReadTimeout(20_000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    @Test
    void prometheusDeleteSeries_tombstonesAreHonouredByOurQuerierAndCompactor(@TempDir Path tmp) throws Exception {
        Labels a = Labels.of("__name__", "keep", "i", "1");
        Labels b = Labels.of("__name__", "victim", "i", "1");
        Labels c = Labels.of("__name__", "victim", "i", "2");
        List<Samples> series = new ArrayList<>();
        for (Labels l : List.of(a, b, c)) {
            Samples s = new Samples(l);
            for (int i = 0; i < 1000; i++) {
                s.add(T0 + i * 15_000L, i);
            }
            series.add(s);
        }
        Path db = tmp.resolve("db");
        Files.createDirectories(db);
        OpenMetricsInput.write(tmp.resolve("in.om"), series);
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("in.om").toString(), db.toString());

        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n");
        int port = freePort();
        Process p = new ProcessBuilder(prometheusBinary().toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + db, "--web.listen-address=127.0.0.1:" + port, "--web.enable-admin-api",
                "--storage.tsdb.retention.time=100y")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean ready = false;
            while (!ready && System.nanoTime() < deadline && p.isAlive()) {
                try {
                    ready = http("GET", base + "/-/ready") == 200;
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!ready) {
                    Thread.sleep(200);
                }
            }
            assertTrue(ready, "prometheus did not become ready: " + Files.readString(tmp.resolve("prometheus.log")));
            // victim{i="1"}: the middle of its range; victim{i="2"}: everything
            long from = T0 + 100 * 15_000L;
            long to = T0 + 200 * 15_000L;
            String q1 = URLEncoder.encode("victim{i=\"1\"}", StandardCharsets.UTF_8);
            assertEquals(204, http("POST", base + "/api/v1/admin/tsdb/delete_series?match[]=" + q1
                    + "&start=" + (from / 1000.0) + "&end=" + (to / 1000.0)));
            String q2 = URLEncoder.encode("victim{i=\"2\"}", StandardCharsets.UTF_8);
            assertEquals(204, http("POST", base + "/api/v1/admin/tsdb/delete_series?match[]=" + q2));
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }

        Samples wantB = new Samples(b);
        for (int i = 0; i < 1000; i++) {
            if (i < 100 || i > 200) {
                wantB.add(T0 + i * 15_000L, i);
            }
        }
        List<Samples> want = List.of(series.get(0), wantB);
        try (BlockDir dir = BlockDir.open(db)) {
            assertTrue(dir.failures().isEmpty(), dir.failures().toString());
            long stones = 0;
            List<SeriesSet> sets = new ArrayList<>();
            List<Querier> qs = new ArrayList<>();
            for (Block blk : dir.blocks()) {
                stones += blk.meta().stats().numTombstones();
                assertEquals(blk.tombstones().total(), blk.meta().stats().numTombstones());
                Querier q = blk.querier();
                qs.add(q);
                sets.add(q.select(List.of(Matcher.regex("__name__", ".+"))));
            }
            assertTrue(stones > 0, "prometheus wrote no tombstones");
            assertEquals(want, Samples.drain(MergeSeriesSet.of(sets)));
            qs.forEach(Querier::close);

            // promtool agrees, and so does our compaction of the blocks with tombstones
            PromDump.assertSameDump(PromDump.render(want), Promtool.dump(db));
            Path out = tmp.resolve("out");
            BlockMeta m = new Compactor(out).compact(dir.blocks());
            assertEquals(0, m.stats().numTombstones());
            PromDump.assertSameDump(PromDump.render(want), Promtool.dump(out));
        }
    }
}
