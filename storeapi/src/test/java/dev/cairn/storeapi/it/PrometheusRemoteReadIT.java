package dev.cairn.storeapi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.storeapi.pb.prometheus.Chunk;
import dev.cairn.storeapi.pb.prometheus.LabelMatcher;
import dev.cairn.storeapi.pb.prometheus.Query;
import dev.cairn.storeapi.pb.prometheus.ReadRequest;
import dev.cairn.storeapi.pb.prometheus.ReadResponse;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.remoteread.RemoteReadClient;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.labels.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our streamed remote read client against the real Prometheus 2.42: the XOR chunks it streams,
 * decoded with Cairn's chunk code, hold exactly the raw samples its query API shows, and replaying
 * PromQL's lookback over them gives its query_range answer.
 */
class PrometheusRemoteReadIT {

    @TempDir
    Path dir;

    @Test
    void streamedXorChunks_matchQueryApiRawSamplesAndQueryRange() throws Exception {
        String config = """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs:
                      - targets: ['127.0.0.1:${PORT}']
                """;
        try (PrometheusProcess prom = new PrometheusProcess(dir, config)) {
            // `end` lies 2 s back: a scrape stamped before it is committed by then, so the remote
            // read and the later API queries see the same samples
            long deadline = System.nanoTime() + 60_000_000_000L;
            long probe;
            while (true) {
                probe = System.currentTimeMillis() - 2000;
                JsonNode r = prom.api("/api/v1/query", "query", "count_over_time(up[10m])",
                        "time", String.format("%.3f", probe / 1000.0));
                if (r.get("result").size() == 1 && r.get("result").get(0).get("value").get(1).asInt() >= 6) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    fail("Prometheus (pid " + prom.pid() + ") did not scrape itself 6 times in 60 s:\n" + prom.logTail());
                }
                Thread.sleep(250);
            }
            final long end = probe;
            long start = end - 600_000; // before Prometheus started: the window holds every sample
            ReadRequest req = ReadRequest.newBuilder()
                    .addQueries(query(start, end, LabelMatcher.Type.EQ, "up"))
                    .addQueries(query(start, end, LabelMatcher.Type.RE, "prometheus_http_requests_total|prometheus_tsdb_head_series"))
                    .build();
            List<Map<Labels, TreeMap<Long, Double>>> byQuery = List.of(new TreeMap<>(), new TreeMap<>());
            List<Labels> order = new ArrayList<>();
            RemoteReadClient client = new RemoteReadClient(prom.uri("/api/v1/read"), Duration.ofSeconds(30));
            client.readChunked(req, (q, series) -> {
                Labels labels = RemoteReadClient.labels(series);
                if (q == 1) {
                    order.add(labels);
                }
                TreeMap<Long, Double> samples = byQuery.get(q).computeIfAbsent(labels, k -> new TreeMap<>());
                for (Chunk c : series.getChunksList()) {
                    assertEquals(Chunk.Encoding.XOR, c.getType(), "float series come as XOR chunks");
                    byte[] data = c.getData().toByteArray();
                    ChunkIterator it = XorChunk.wrap(data, 0, data.length).iterator(null);
                    long last = Long.MIN_VALUE;
                    while (it.next()) {
                        long t = it.atT();
                        assertTrue(t >= c.getMinTimeMs() && t <= c.getMaxTimeMs(),
                                "sample " + t + " outside its chunk's [" + c.getMinTimeMs() + ", " + c.getMaxTimeMs() + "]");
                        assertTrue(t > last, "chunk samples out of order");
                        last = t;
                        if (t >= start && t <= end) {
                            samples.put(t, it.atV());
                        }
                    }
                }
            });
            for (int i = 1; i < order.size(); i++) {
                assertTrue(order.get(i - 1).compareTo(order.get(i)) <= 0, "series not sorted: " + order);
            }
            assertEquals(1, byQuery.get(0).size(), "one up series expected: " + byQuery.get(0).keySet());
            assertTrue(byQuery.get(1).size() >= 3, "expected several series: " + byQuery.get(1).keySet());

            // the SAMPLES answer type holds the same samples as the streamed chunks
            ReadResponse samples = client.readSamples(req);
            assertEquals(2, samples.getResultsCount());
            for (int q = 0; q < 2; q++) {
                Map<Labels, TreeMap<Long, Double>> viaSamples = new TreeMap<>();
                for (TimeSeries ts : samples.getResults(q).getTimeseriesList()) {
                    TreeMap<Long, Double> m = new TreeMap<>();
                    ts.getSamplesList().forEach(sm -> m.put(sm.getTimestamp(), sm.getValue()));
                    Labels.Builder b = Labels.builder();
                    ts.getLabelsList().forEach(l -> b.set(l.getName(), l.getValue()));
                    viaSamples.put(b.build(), m);
                }
                assertEquals(byQuery.get(q), viaSamples, "query " + q + ": SAMPLES and STREAMED_XOR_CHUNKS differ");
            }

            compareRaw(prom, "up", end, byQuery.get(0));
            compareRaw(prom, "{__name__=~\"prometheus_http_requests_total|prometheus_tsdb_head_series\"}", end,
                    byQuery.get(1));
            compareQueryRange(prom, "up", end, byQuery.get(0));
            compareQueryRange(prom, "prometheus_tsdb_head_series", end, byQuery.get(1));
        }
    }

    private static Query query(long start, long end, LabelMatcher.Type type, String name) {
        return Query.newBuilder().setStartTimestampMs(start).setEndTimestampMs(end)
                .addMatchers(LabelMatcher.newBuilder().setType(type).setName("__name__").setValue(name)).build();
    }

    private static Labels labels(JsonNode metric) {
        Labels.Builder b = Labels.builder();
        for (Map.Entry<String, JsonNode> e : metric.properties()) {
            b.set(e.getKey(), e.getValue().asText());
        }
        return b.build();
    }

    private static double value(JsonNode v) {
        String s = v.asText();
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static void compareRaw(PrometheusProcess prom, String selector, long end,
            Map<Labels, TreeMap<Long, Double>> got) throws Exception {
        JsonNode data = prom.api("/api/v1/query", "query", selector + "[10m]", "time", String.format("%.3f", end / 1000.0));
        Map<Labels, TreeMap<Long, Double>> want = new TreeMap<>();
        for (JsonNode s : data.get("result")) {
            TreeMap<Long, Double> samples = new TreeMap<>();
            for (JsonNode v : s.get("values")) {
                samples.put(Math.round(v.get(0).asDouble() * 1000), value(v.get(1)));
            }
            want.put(labels(s.get("metric")), samples);
        }
        assertEquals(want.keySet(), got.keySet(), selector + ": series differ");
        for (Labels l : want.keySet()) {
            assertEquals(want.get(l), got.get(l), selector + " " + l + ": raw samples differ");
            assertTrue(want.get(l).size() >= 5, l + " has only " + want.get(l).size() + " samples");
        }
    }

    /** Each query_range point must be the newest raw sample at or before it within the 5m lookback. */
    private static void compareQueryRange(PrometheusProcess prom, String metric, long end,
            Map<Labels, TreeMap<Long, Double>> raw) throws Exception {
        long first = raw.values().stream().mapToLong(TreeMap::firstKey).min().orElseThrow();
        JsonNode data = prom.api("/api/v1/query_range", "query", metric, "start", String.format("%.3f", first / 1000.0),
                "end", String.format("%.3f", end / 1000.0), "step", "0.5");
        int points = 0;
        for (JsonNode s : data.get("result")) {
            Labels l = labels(s.get("metric"));
            // query_range drops __name__ only for function results; a plain selector keeps it
            TreeMap<Long, Double> samples = raw.get(l);
            assertTrue(samples != null, metric + ": query_range series " + l + " not streamed by remote read");
            for (JsonNode v : s.get("values")) {
                long t = Math.round(v.get(0).asDouble() * 1000);
                Map.Entry<Long, Double> e = samples.floorEntry(t);
                assertTrue(e != null && t - e.getKey() <= 300_000, l + " at " + t + ": no raw sample in lookback");
                assertEquals(e.getValue(), value(v.get(1)), l + " at " + t);
                points++;
            }
        }
        assertTrue(points >= 10, metric + ": only " + points + " query_range points compared");
    }
}
