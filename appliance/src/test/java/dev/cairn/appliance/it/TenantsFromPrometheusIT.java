package dev.cairn.appliance.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real Prometheus servers remote-write into one appliance with {@code receive.tenancy} on: A with
 * {@code headers: {THANOS-TENANT: team-a}} in its remote_write section, B with no header (the default tenant).
 * Each scrapes itself every second. The appliance must show both tenants ({@code count by (tenant_id) (up)}), and
 * each tenant, selected by {@code tenant_id}, must answer the same queries as the Prometheus that wrote it does on
 * its own data (tenant_id aside), so no sample went to the wrong head and the tenant matcher let nothing else in.
 * As in {@link ApplianceVsPrometheusIT}, remote write lags the scrape a little: the comparison is retried (bounded)
 * at a time a few seconds back, and the last difference is in the message.
 *
 * <p>Debian's build of Prometheus 2.42 ({@code 2.42.0+ds}) parses remote_write {@code headers} but does not send
 * them (prometheus/prometheus#13030, reported against that very package; seen on this machine too: the requests
 * arrive without the header). So A writes through {@link HeaderRelay}, which sets the header as a reverse proxy in front
 * of Thanos Receive would; A's config keeps {@code headers:} so that with a Prometheus that sends it, the relay
 * only passes it on.
 */
class TenantsFromPrometheusIT {
    /** %s: the tenant matcher on the appliance; on Prometheus a matcher every series passes. */
    private static final List<String> QUERIES = List.of(
            "up{%s}",
            "count({%s})",
            "count by (job) (scrape_samples_scraped{%s})",
            "rate(prometheus_tsdb_head_samples_appended_total{%s}[10s])",
            "max_over_time(scrape_series_added{%s}[10s])",
            "sum by (le) (prometheus_http_request_duration_seconds_bucket{%s})");

    @TempDir
    Path tmp;

    private static String prometheusYaml(int port, int appliancePort, String job, String headers) {
        return """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/receive
                    %s
                    queue_config: {batch_send_deadline: 1s}
                    metadata_config: {send: false}
                """.formatted(job, port, appliancePort, headers);
    }

    @Test
    void prometheusWithTenantHeader_andOneWithout_landInTwoTenants_eachAnsweringAsItsPrometheus() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), "receive: {tenancy: true}\n");
        try (ApplianceMain app = ApplianceMain.start(ConfigLoader.load(yaml, tmp.resolve("appliance"), "127.0.0.1:0",
                "127.0.0.1:0"))) {
            String appUrl = "http://127.0.0.1:" + app.httpPort();
            int portA = Http.freePort();
            int portB = Http.freePort();
            Path dirA = Files.createDirectories(tmp.resolve("prom-a"));
            Path dirB = Files.createDirectories(tmp.resolve("prom-b"));
            try (HeaderRelay relay = new HeaderRelay(app.httpPort(), "THANOS-TENANT", "team-a");
                 PrometheusProcess a = new PrometheusProcess(dirA, prometheusYaml(portA, relay.port(), "prom-a",
                    "headers: {THANOS-TENANT: team-a}"), portA);
                 PrometheusProcess b = new PrometheusProcess(dirB, prometheusYaml(portB, app.httpPort(), "prom-b",
                         "# no tenant header: the default tenant"), portB)) {
                Thread.sleep(12_000);
                Map<String, String> lastDiff = new LinkedHashMap<>();
                for (int attempt = 0; attempt < 20; attempt++) {
                    long t = System.currentTimeMillis() / 1000 - 4;
                    Thread.sleep(2500); // let remote write deliver everything up to t
                    lastDiff.clear();
                    JsonNode tenants = vector(Http.get(appUrl + "/api/v1/query?time=" + t + "&query="
                            + Http.enc("count by (tenant_id, job) (up)")));
                    Map<String, String> want = Map.of("{job=prom-a, tenant_id=team-a}", "1",
                            "{job=prom-b, tenant_id=default-tenant}", "1");
                    if (!want.equals(byLabels(tenants, false))) {
                        lastDiff.put("count by (tenant_id, job) (up)", "want " + want + ", got " + tenants);
                    }
                    compare(a, "tenant_id=\"team-a\"", appUrl, t, lastDiff);
                    compare(b, "tenant_id=\"default-tenant\"", appUrl, t, lastDiff);
                    if (lastDiff.isEmpty()) {
                        break;
                    }
                }
                assertTrue(relay.forwarded() > 0, "prom-a wrote nothing through the relay");
                assertTrue(lastDiff.isEmpty(), "the appliance's tenants and their Prometheus servers still differ"
                        + " after 20 attempts:\n" + String.join("\n", lastDiff.entrySet().stream()
                        .map(e -> e.getKey() + "\n    " + e.getValue()).toList()));
                assertEquals(List.of("default-tenant", "team-a"), List.copyOf(app.tenants().tenants().keySet()));
                // both heads hold the whole of their Prometheus's scrape: hundreds of series each, none shared
                assertTrue(app.tenants().tenants().get("team-a").db().head().numSeries() > 100);
                assertTrue(app.tenants().tenants().get("default-tenant").db().head().numSeries() > 100);
            }
        }
    }

    /**
     * Remote write from 127.0.0.1:{@link #port()} to the appliance's {@code /api/v1/receive}, with a header set on
     * each request; the appliance's answer goes back as it is. Counts the requests it passed on.
     */
    private static final class HeaderRelay implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();
        private final AtomicInteger forwarded = new AtomicInteger();

        HeaderRelay(int appliancePort, String header, String value) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                try (ex) {
                    byte[] body = ex.getRequestBody().readAllBytes();
                    HttpRequest.Builder out = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliancePort
                            + "/api/v1/receive")).timeout(Duration.ofSeconds(30)).header(header, value)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    for (String h : List.of("Content-Type", "Content-Encoding", "X-Prometheus-Remote-Write-Version")) {
                        String v = ex.getRequestHeaders().getFirst(h);
                        if (v != null) {
                            out.header(h, v);
                        }
                    }
                    HttpResponse<byte[]> r = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
                    forwarded.incrementAndGet();
                    ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
                    if (r.body().length > 0) {
                        ex.getResponseBody().write(r.body());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ex.sendResponseHeaders(503, -1);
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        int forwarded() {
            return forwarded.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Each query on the tenant (tenant_id dropped from the answer) against the same query on its Prometheus. */
    private static void compare(PrometheusProcess prom, String tenantMatcher, String appUrl, long t,
                                Map<String, String> diffs) throws Exception {
        for (String q : QUERIES) {
            String onPrometheus = q.formatted("job!=\"\"");
            String onAppliance = q.formatted(tenantMatcher);
            Http.Answer want = Http.get(prom.url() + "/api/v1/query?time=" + t + "&query=" + Http.enc(onPrometheus));
            Http.Answer got = Http.get(appUrl + "/api/v1/query?time=" + t + "&query=" + Http.enc(onAppliance));
            assertEquals(200, want.status(), "Prometheus refused " + onPrometheus + ": " + want.body());
            Map<String, String> w = byLabels(vector(want), false);
            Map<String, String> g = got.status() == 200 ? byLabels(vector(got), true) : Map.of("HTTP", got.body());
            // an empty answer on both sides proves nothing
            if (w.isEmpty() || !w.equals(g)) {
                diffs.put(onAppliance + " vs " + onPrometheus + " on " + prom.url(), "prometheus: "
                        + abbreviate(w) + "\n    appliance: " + abbreviate(g));
            }
        }
    }

    private static JsonNode vector(Http.Answer a) throws Exception {
        return a.json().path("data").path("result");
    }

    /** An instant vector as labels (sorted, as text) -> value; tenant_id removed when {@code dropTenant}. */
    private static Map<String, String> byLabels(JsonNode result, boolean dropTenant) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : result) {
            ObjectNode metric = ((ObjectNode) s.get("metric")).deepCopy();
            if (dropTenant) {
                metric.remove("tenant_id");
            }
            Map<String, String> labels = new TreeMap<>();
            metric.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.put(labels.toString(), s.get("value").get(1).asText());
        }
        return out;
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
