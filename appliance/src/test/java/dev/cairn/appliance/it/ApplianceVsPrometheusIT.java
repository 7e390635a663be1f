package dev.cairn.appliance.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Prometheus scrapes itself every second and remote-writes to the appliance (in this JVM).
 * After ~15 s, the same API calls over a window that remote write has delivered must give the same
 * JSON from both: series, label names and values, and PromQL queries. Remote write lags the scrape
 * a little, so the window ends a few seconds back and the comparison is retried (bounded) until the
 * two agree; what is asserted is that they do agree, with the last difference in the message.
 */
class ApplianceVsPrometheusIT {
    private static final List<String> QUERIES = List.of(
            "up",
            "sum by (job) (up)",
            "count(prometheus_build_info)",
            "rate(prometheus_tsdb_head_samples_appended_total[10s])",
            "max_over_time(scrape_samples_scraped[10s])",
            "histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[10s])))",
            "topk(3, scrape_series_added)",
            "label_replace(up, \"port\", \"$1\", \"instance\", \".*:(.*)\")");

    @TempDir
    Path tmp;

    @Test
    void remoteWriteFromRealPrometheus_answersTheSameAsPrometheus() throws Exception {
        long testStart = System.currentTimeMillis() / 1000 - 5;
        try (ApplianceMain app = ApplianceMain.start(ConfigLoader.load(null, tmp.resolve("appliance"), "127.0.0.1:0", "127.0.0.1:0"))) {
            int promPort = Http.freePort();
            String yaml = """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: prometheus
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    remote_write:
                      - url: http://127.0.0.1:%d/api/v1/receive
                        queue_config: {batch_send_deadline: 1s}
                        metadata_config: {send: false}
                    """.formatted(promPort, app.httpPort());
            try (PrometheusProcess prom = new PrometheusProcess(tmp, yaml, promPort)) {
                Thread.sleep(15_000);
                String appUrl = "http://127.0.0.1:" + app.httpPort();
                Map<String, String> lastDiff = new LinkedHashMap<>();
                int agreedCalls = 0;
                for (int attempt = 0; attempt < 20; attempt++) {
                    long t = System.currentTimeMillis() / 1000 - 4;
                    Thread.sleep(2500); // let remote write deliver everything up to t
                    List<String> calls = new ArrayList<>();
                    String range = "&start=" + testStart + "&end=" + t;
                    calls.add("/api/v1/series?match[]=" + Http.enc("{job=\"prometheus\"}") + range);
                    calls.add("/api/v1/label/__name__/values?match[]=" + Http.enc("{job=\"prometheus\"}") + range);
                    calls.add("/api/v1/labels?match[]=" + Http.enc("up") + range);
                    calls.add("/api/v1/label/job/values?match[]=" + Http.enc("up") + range);
                    for (String q : QUERIES) {
                        calls.add("/api/v1/query?query=" + Http.enc(q) + "&time=" + t);
                    }
                    calls.add("/api/v1/query_range?query=" + Http.enc("sum(rate(prometheus_http_requests_total[5s]))")
                            + "&start=" + (t - 8) + "&end=" + t + "&step=2");
                    lastDiff.clear();
                    for (String c : calls) {
                        Http.Answer want = Http.get(prom.url() + c);
                        Http.Answer got = Http.get(appUrl + c);
                        assertEquals(200, want.status(), "Prometheus refused " + c + ": " + want.body());
                        JsonNode w = want.json().get("data");
                        JsonNode g = got.json().get("data");
                        if (got.status() != 200 || !w.equals(g)) {
                            lastDiff.put(c, "prometheus: " + abbreviate(w) + "\n    appliance: " + abbreviate(g)
                                    + " (HTTP " + got.status() + ")");
                        }
                    }
                    if (lastDiff.isEmpty()) {
                        agreedCalls = calls.size();
                        // the window must hold real data, or agreeing proves nothing
                        JsonNode series = Http.get(appUrl + calls.get(0)).json().get("data");
                        assertTrue(series.size() > 100, "only " + series.size() + " series written");
                        for (String c : calls.subList(4, calls.size())) {
                            JsonNode result = Http.get(appUrl + c).json().get("data").get("result");
                            assertTrue(result.size() > 0, "empty result for " + c);
                        }
                        break;
                    }
                }
                assertTrue(lastDiff.isEmpty(), "appliance and Prometheus still differ after 20 attempts:\n"
                        + String.join("\n", lastDiff.entrySet().stream().map(e -> e.getKey() + "\n    "
                        + e.getValue()).toList()));
                assertEquals(4 + QUERIES.size() + 1, agreedCalls);
            }
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = String.valueOf(n);
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
