package dev.cairn.storeapi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.storeapi.remotewrite.RemoteWriteTestServer;
import dev.cairn.tsdb.labels.Labels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus 2.42 scrapes itself every second and remote-writes to our handler; what we
 * receive must be exactly the raw samples its own API returns for the same series.
 */
class PrometheusRemoteWriteIT {

    @TempDir
    Path dir;

    private static final String[] METRICS = {"up", "prometheus_tsdb_head_samples_appended_total",
        "prometheus_build_info"};

    @Test
    void realPrometheus_remoteWritesItsOwnScrapes_sameSamplesAsItsQueryApi() throws Exception {
        try (RemoteWriteTestServer receiver = new RemoteWriteTestServer()) {
            String config = """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: self
                        static_configs:
                          - targets: ['127.0.0.1:${PORT}']
                    remote_write:
                      - url: %s
                        queue_config:
                          batch_send_deadline: 200ms
                          min_backoff: 50ms
                          max_backoff: 1s
                    """.formatted(receiver.url());
            try (PrometheusProcess prom = new PrometheusProcess(dir, config)) {
                // wait until at least 5 scrapes of every metric arrived (bounded)
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (true) {
                    boolean enough = true;
                    for (String m : METRICS) {
                        enough &= received(receiver.received(), m).values().stream().allMatch(s -> s.size() >= 5)
                                && !received(receiver.received(), m).isEmpty();
                    }
                    if (enough) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        fail("Prometheus (pid " + prom.pid() + ") did not remote-write 5 scrapes of " + List.of(METRICS)
                                + " within 60 s; received " + receiver.received().size() + " series batches.\n"
                                + prom.logTail());
                    }
                    Thread.sleep(250);
                }
                List<DecodedSeries> got = receiver.received();
                for (String metric : METRICS) {
                    compare(prom, metric, received(got, metric));
                }
            }
        }
    }

    /** Samples received per series of {@code metric}: timestamp to value bits, de-duplicated (retries may resend). */
    private static Map<Labels, TreeMap<Long, Double>> received(List<DecodedSeries> all, String metric) {
        Map<Labels, TreeMap<Long, Double>> out = new TreeMap<>();
        for (DecodedSeries s : all) {
            if (!s.labels().get(Labels.METRIC_NAME).equals(metric)) {
                continue;
            }
            TreeMap<Long, Double> samples = out.computeIfAbsent(s.labels(), k -> new TreeMap<>());
            for (int i = 0; i < s.sampleCount(); i++) {
                Double prev = samples.put(s.timestamps()[i], s.values()[i]);
                if (prev != null && Double.doubleToRawLongBits(prev) != Double.doubleToRawLongBits(s.values()[i])) {
                    fail(s.labels() + " at " + s.timestamps()[i] + " received twice with different values");
                }
            }
        }
        return out;
    }

    private static void compare(PrometheusProcess prom, String metric, Map<Labels, TreeMap<Long, Double>> got)
            throws Exception {
        assertTrue(!got.isEmpty(), "nothing received for " + metric);
        long now = System.currentTimeMillis();
        // a range selector returns the raw samples with their own timestamps
        JsonNode data = prom.api("/api/v1/query", "query", metric + "[10m]",
                "time", String.format("%.3f", now / 1000.0));
        Map<Labels, TreeMap<Long, Double>> want = new TreeMap<>();
        for (JsonNode series : data.get("result")) {
            Labels.Builder b = Labels.builder();
            for (Map.Entry<String, JsonNode> e : series.get("metric").properties()) {
                b.set(e.getKey(), e.getValue().asText());
            }
            TreeMap<Long, Double> samples = new TreeMap<>();
            for (JsonNode v : series.get("values")) {
                long t = Math.round(v.get(0).asDouble() * 1000);
                samples.put(t, parseGoFloat(v.get(1).asText()));
            }
            want.put(b.build(), samples);
        }
        assertEquals(want.keySet(), got.keySet(), metric + ": series labels differ");
        for (Map.Entry<Labels, TreeMap<Long, Double>> e : got.entrySet()) {
            TreeMap<Long, Double> mine = e.getValue();
            // remote write lags the head: compare everything Prometheus has up to our newest sample
            TreeMap<Long, Double> theirs = new TreeMap<>(want.get(e.getKey()).headMap(mine.lastKey(), true));
            // and from our oldest (the remote-write queue may start after the first scrape)
            theirs = new TreeMap<>(theirs.tailMap(mine.firstKey(), true));
            assertEquals(theirs.size(), mine.size(), e.getKey() + ": sample count between "
                    + mine.firstKey() + " and " + mine.lastKey());
            for (Map.Entry<Long, Double> s : mine.entrySet()) {
                Double v = theirs.get(s.getKey());
                assertTrue(v != null, e.getKey() + ": received sample at " + s.getKey() + " not in Prometheus");
                assertEquals(v, s.getValue(), e.getKey() + " at " + s.getKey());
            }
        }
    }

    private static double parseGoFloat(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
