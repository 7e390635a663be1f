package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.storeapi.store.StoreApiClient;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.bucket.S3ProxyServer;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store gateway in the appliance, end to end over the HTTP API: data received, then cut into
 * blocks and shipped, then dropped from the head and deleted locally, is answered the same way at
 * each stage - from the head, from local blocks and bucket, from the bucket alone - with a filesystem
 * bucket and with S3 (a real S3Proxy on 127.0.0.1).
 */
class StoreGatewayTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long H = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    private static final List<String> QUERIES = List.of(
            "rate(http_requests_total[5m])",
            "sum by (code) (increase(http_requests_total[1h]))",
            "max_over_time(node_load1[30m])",
            "avg_over_time(node_load1[10m])",
            "node_load1",
            "http_requests_total{cluster=\"eu1\", code!=\"200\"}",
            "count by (cluster) (http_requests_total)");

    @TempDir
    Path tmp;

    @Test
    void filesystemBucket_dataDroppedLocally_isStillAnsweredTheSame() throws Exception {
        run("");
    }

    @Test
    void s3Bucket_dataDroppedLocally_isStillAnsweredTheSame() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        run("""
                bucket:
                  type: s3
                  s3:
                    endpoint: "%s"
                    bucket: "%s"
                    region: us-east-1
                    access_key: "%s"
                    secret_key: "%s"
                    path_style: true
                """.formatted(s3.endpoint(), s3.createBucket(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
    }

    private void run(String bucketYaml) throws Exception {
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), """
                external_labels: {cluster: eu1}
                receive: {replica: r1, block_duration: 2h}
                store: {sync_interval: 1h, cache_max_size: 64MiB}
                compact: {enabled: false}
                """ + bucketYaml);
        ApplianceConfig c = ConfigLoader.load(yaml, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0");
        assertEquals(64L << 20, c.store().cacheMaxBytes());
        Map<String, String> fromHead;
        try (ApplianceMain m = ApplianceMain.start(c)) {
            append(m, T0, T0 + 10 * H);
            fromHead = answers(m);
            assertTrue(m.db().compact() >= 3, "blocks cut from the head");
            m.shipNow();
            m.store().sync();
            assertEquals(m.db().blocks().size(), m.store().blocks().size(), "every cut block is in the bucket");
            Map<String, String> fromBoth = answers(m);
            assertEquals(fromHead, fromBoth, "local blocks and bucket together");
        }
        // the local retention's work: the shipped blocks leave the receiver's disk
        try (Stream<Path> s = Files.list(c.receiveDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p.resolve("meta.json"))) {
                    dev.cairn.tsdb.block.DurableFiles.deleteRecursively(p);
                }
            }
        }
        try (ApplianceMain m = ApplianceMain.start(c)) {
            assertEquals(List.of(), m.db().blocks().stream().map(Block::toString).toList());
            try (Querier q = m.db().querier(T0, T0 + 7 * H)) {
                SeriesSet set = q.select(List.of(Matcher.regex("__name__", ".+")));
                assertFalse(set.next(), "the receiver holds nothing of the queried range any more");
            }
            assertTrue(m.store().blocks().size() >= 3, "the first sync found the shipped blocks");
            // a typical dashboard query over the bucket alone, first cold (index headers, postings, series and
            // chunks fetched) then warm (all from the cache)
            String typical = "/api/v1/query_range?query=" + URLEncoder.encode(
                    "sum by (code) (rate(http_requests_total[5m]))", StandardCharsets.UTF_8) + "&start="
                    + (T0 + H) / 1000 + "&end=" + (T0 + 7 * H) / 1000 + "&step=60";
            long g0 = m.store().bucketGets();
            long b0 = m.store().bucketBytes();
            long t1 = System.nanoTime();
            String cold = get(m, typical);
            long coldTypical = System.nanoTime() - t1;
            long g1 = m.store().bucketGets();
            long b1 = m.store().bucketBytes();
            t1 = System.nanoTime();
            assertEquals(cold, get(m, typical));
            long warmTypical = System.nanoTime() - t1;
            assertEquals(g1, m.store().bucketGets());
            System.out.printf("store gateway (%s), sum by (code) (rate(http_requests_total[5m])) over 6h at 60s step,"
                    + " %d blocks: cold %.1f ms, %d GETs, %d bytes; warm %.1f ms, 0 GETs%n",
                    bucketYaml.isEmpty() ? "filesystem" : "S3Proxy", m.store().blocks().size(), coldTypical / 1e6,
                    g1 - g0, b1 - b0, warmTypical / 1e6);
            long gets = m.store().bucketGets();
            long t = System.nanoTime();
            Map<String, String> fromBucket = answers(m);
            long coldMs = (System.nanoTime() - t) / 1_000_000;
            long coldGets = m.store().bucketGets() - gets;
            long coldBytes = m.store().bucketBytes() - b1;
            assertEquals(fromHead, fromBucket, "the bucket alone");
            t = System.nanoTime();
            assertEquals(fromHead, answers(m));
            long warmMs = (System.nanoTime() - t) / 1_000_000;
            assertEquals(coldGets, m.store().bucketGets() - gets, "warm: everything from the cache");
            System.out.printf("store gateway e2e (%s): %d more queries over the bucket alone: cold %d ms, %d GETs,"
                    + " %d bytes; warm %d ms, 0 GETs%n", bucketYaml.isEmpty() ? "filesystem" : "S3Proxy", QUERIES.size() + 1,
                    coldMs, coldGets, coldBytes, warmMs);
            // the appliance's own StoreAPI serves the bucket's blocks too
            try (StoreApiClient client = StoreApiClient.connect("127.0.0.1", m.grpcPort(), (SslContext) null,
                    Duration.ofSeconds(30)); Querier q = client.querier(T0, T0 + 7 * H)) {
                SeriesSet set = q.select(List.of(Matcher.equal("__name__", "http_requests_total")));
                int n = 0;
                while (set.next()) {
                    assertEquals("eu1", set.at().labels().get("cluster"), set.at().labels().toString());
                    assertTrue(set.at().iterator(null).next(), "samples of " + set.at().labels());
                    n++;
                }
                assertEquals(9, n);
            }
            String metrics = get(m, "/metrics");
            assertTrue(metrics.contains("cairn_store_blocks_loaded " + m.store().blocks().size()), metrics);
        }
    }

    /** Counters with a restart, and gauges, for 3 instances every 15 s over [from, to). */
    private static void append(ApplianceMain m, long from, long to) throws Exception {
        Random r = new Random(7);
        HeadAppender app = m.db().appender();
        double[] counters = new double[9];
        int k = 0;
        for (long t = from; t < to; t += 15_000, k++) {
            for (int i = 0; i < 3; i++) {
                String inst = "vm-" + i + ":9100";
                String[] codes = {"200", "404", "500"};
                for (int c = 0; c < 3; c++) {
                    int idx = 3 * i + c;
                    if (i == 0 && k == 1000) {
                        counters[idx] = 0; // a restart
                    }
                    counters[idx] += r.nextInt(50 * (c + 1));
                    app.append(Labels.of("__name__", "http_requests_total", "instance", inst, "code", codes[c]), t,
                            counters[idx]);
                }
                app.append(Labels.of("__name__", "node_load1", "instance", inst), t,
                        Math.round((2 + Math.sin(t / 3.6e6) + r.nextDouble()) * 100) / 100.0);
            }
            if (k % 200 == 0) {
                app.commit();
                app = m.db().appender();
            }
        }
        app.commit();
    }

    /** The answers of every query: range queries over [T0+10m, T0+7h] and one instant query. */
    private static Map<String, String> answers(ApplianceMain m) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String q : QUERIES) {
            String body = get(m, "/api/v1/query_range?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                    + "&start=" + (T0 + 10 * 60_000) / 1000 + "&end=" + (T0 + 7 * H) / 1000 + "&step=60");
            assertTrue(body.contains("\"status\":\"success\"") && body.contains("\"values\":[["), q + ": " + body);
            assertFalse(body.contains("warnings"), body);
            out.put(q, body);
        }
        String instant = get(m, "/api/v1/query?query=" + URLEncoder.encode("http_requests_total", StandardCharsets.UTF_8)
                + "&time=" + (T0 + 5 * H) / 1000);
        assertTrue(instant.contains("\"cluster\":\"eu1\""), instant);
        out.put("instant", instant);
        return out;
    }

    private static String get(ApplianceMain m, String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort() + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
