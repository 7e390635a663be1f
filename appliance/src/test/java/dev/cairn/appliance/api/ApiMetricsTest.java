package dev.cairn.appliance.api;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.query.LatencyHistogram;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API's latency histograms: counted per handler and code, and valid Prometheus histograms for promtool. */
class ApiMetricsTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void handle_countsEachRequestByHandlerAndCode_andEachEvaluationByType() throws IOException {
        try (Db db = Db.open(tmp, DbOptions.defaults().withCompactionInterval(Duration.ZERO))) {
            HeadAppender app = db.appender();
            for (int i = 0; i < 10; i++) {
                app.append(Labels.of("__name__", "up", "job", "a"), T0 + i * 15_000L, 1);
            }
            app.commit();
            PrometheusApi api = new PrometheusApi(db::querier, new Engine(),
                    new BuildInfo("1", Map.of(), T0, "6h"), () -> T0 + 100_000);
            for (int i = 0; i < 3; i++) {
                assertEquals(200, api.handle("GET", "/api/v1/query", Map.of("query", List.of("up"))).status());
            }
            assertEquals(400, api.handle("GET", "/api/v1/query", Map.of("query", List.of("up{"))).status());
            assertEquals(200, api.handle("GET", "/api/v1/query_range", Map.of("query", List.of("rate(up[1m])"),
                    "start", List.of(Long.toString(T0 / 1000)), "end", List.of(Long.toString(T0 / 1000 + 120)),
                    "step", List.of("15"))).status());
            assertEquals(200, api.handle("GET", "/api/v1/label/job/values", Map.of()).status());
            assertEquals(200, api.handle("GET", "/api/v1/label/instance/values", Map.of()).status());
            assertEquals(404, api.handle("GET", "/api/v1/nonsense", Map.of()).status());

            ApiMetrics m = api.metrics();
            assertEquals(3, m.requests("/api/v1/query", 200));
            assertEquals(1, m.requests("/api/v1/query", 400));
            assertEquals(1, m.requests("/api/v1/query_range", 200));
            assertEquals(2, m.requests("/api/v1/label/:name/values", 200));
            assertEquals(1, m.requests("/api/v1/*", 404));
            // the parse error is an evaluation too: it is timed, and fast
            assertEquals(4, m.queries("instant"));
            assertEquals(1, m.queries("range"));

            MetricsText t = new MetricsText();
            m.writeMetrics(t);
            String text = t.toString();
            assertHistogram(text, "cairn_http_request_duration_seconds", "handler=\"/api/v1/query\",code=\"200\"", 3);
            assertHistogram(text, "cairn_query_duration_seconds", "type=\"range\"", 1);
            promtoolAccepts(text);
        }
    }

    @Test
    void observe_placesDurationsInTheirBucketsCumulatively() {
        LatencyHistogram h = new LatencyHistogram("x_seconds", "x.", "k");
        h.observeNanos(TimeUnit.MILLISECONDS.toNanos(3), "a");    // <= 0.005
        h.observeNanos(TimeUnit.MILLISECONDS.toNanos(10), "a");   // exactly 0.01: le is inclusive
        h.observeNanos(TimeUnit.MILLISECONDS.toNanos(700), "a");  // <= 1
        h.observeNanos(TimeUnit.SECONDS.toNanos(500), "a");       // only +Inf
        MetricsText t = new MetricsText();
        h.write(t);
        String text = t.toString();
        assertTrue(text.contains("x_seconds_bucket{k=\"a\",le=\"0.005\"} 1\n"), text);
        assertTrue(text.contains("x_seconds_bucket{k=\"a\",le=\"0.01\"} 2\n"), text);
        assertTrue(text.contains("x_seconds_bucket{k=\"a\",le=\"0.5\"} 2\n"), text);
        assertTrue(text.contains("x_seconds_bucket{k=\"a\",le=\"1\"} 3\n"), text);
        assertTrue(text.contains("x_seconds_bucket{k=\"a\",le=\"120\"} 3\n"), text);
        assertTrue(text.contains("x_seconds_bucket{k=\"a\",le=\"+Inf\"} 4\n"), text);
        assertTrue(text.contains("x_seconds_sum{k=\"a\"} 500.713\n"), text);
        assertTrue(text.contains("x_seconds_count{k=\"a\"} 4\n"), text);
    }

    /** Buckets non-decreasing, ending in +Inf equal to _count, for one label set. */
    private static void assertHistogram(String text, String name, String labels, long count) {
        Pattern bucket = Pattern.compile("^" + Pattern.quote(name + "_bucket{" + labels + ",le=\"") + "([^\"]+)\"} (\\d+)$",
                Pattern.MULTILINE);
        Matcher b = bucket.matcher(text);
        List<String> les = new ArrayList<>();
        long prev = 0;
        long last = -1;
        while (b.find()) {
            les.add(b.group(1));
            long v = Long.parseLong(b.group(2));
            assertTrue(v >= prev, name + " buckets must be cumulative:\n" + text);
            prev = v;
            last = v;
        }
        assertEquals("+Inf", les.get(les.size() - 1), text);
        assertEquals(15, les.size(), text);
        assertEquals(count, last);
        assertTrue(text.contains(name + "_count{" + labels + "} " + count + "\n"), text);
        assertTrue(Pattern.compile("^" + Pattern.quote(name + "_sum{" + labels + "} ") + "[0-9.]+$", Pattern.MULTILINE)
                .matcher(text).find(), text);
        assertTrue(text.contains("# TYPE " + name + " histogram\n"), text);
    }

    /** The real promtool (Debian's prometheus package) lints the exposition; it must find nothing. */
    private static void promtoolAccepts(String text) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is needed for this test: apt install prometheus", e);
        }
        try {
            p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool check metrics did not finish");
            assertEquals(0, p.exitValue(), "promtool check metrics: " + out + "\n" + text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            p.destroyForcibly();
        }
    }
}
