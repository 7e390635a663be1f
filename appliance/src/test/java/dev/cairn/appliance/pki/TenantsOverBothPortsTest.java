package dev.cairn.appliance.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.Pem;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * The appliance with {@code receive.tenancy} on, in process: remote write with and without the tenant header on
 * the HTTP port and on the agents' mTLS port (here, beside {@link TlsClients}, to enroll a real agent certificate),
 * invalid tenants answered 400 with the reason, query results carrying {@code tenant_id} and pruned by it, the
 * per-tenant metrics, the appliance's own StoreAPI serving the tenants to a stacked appliance, and a restart that
 * brings every tenant's head back.
 */
class TenantsOverBothPortsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient PLAIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "bootstrap-tenants";

    @TempDir
    Path tmp;

    private ApplianceConfig config() throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), TOKEN + "\n");
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), """
                external_labels: {cluster: eu1}
                receive: {tenancy: true}
                pki: {enrollment_token_file: %s}
                """.formatted(tokens));
        return ConfigLoader.load(yaml, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0");
    }

    private static byte[] write(String name, long t, double v) throws Exception {
        return Snappy.compress(WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue(name))
                .addLabels(Label.newBuilder().setName("job").setValue("node"))
                .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v))).build().toByteArray());
    }

    private static HttpResponse<String> remoteWrite(HttpClient c, URI uri, String tenant, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0");
        if (tenant != null) {
            b.header("THANOS-TENANT", tenant);
        }
        return c.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The instant vector of {@code promql} at {@code tMs}: each series' labels (as a map's text) -> value. */
    private static Map<String, String> query(ApplianceMain m, String promql, long tMs) throws Exception {
        HttpResponse<String> r = PLAIN.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort()
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + tMs / 1000.0))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.path("warnings").isMissingNode(), r.body());
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : body.path("data").path("result")) {
            out.put(new TreeMap<>(JSON.convertValue(s.get("metric"), Map.class)).toString(), s.get("value").get(1).asText());
        }
        return out;
    }

    @Test
    void tenantsFromBothPorts_areQueriedApartByTenantId_andComeBackAfterARestart() throws Exception {
        long t = System.currentTimeMillis() - 30_000;
        ApplianceConfig c = config();
        Map<String, String> byTenant = Map.of("{tenant_id=default-tenant}", "2", "{tenant_id=team-a}", "1",
                "{tenant_id=team-b}", "1");
        try (ApplianceMain app = ApplianceMain.start(c)) {
            URI http = URI.create("http://127.0.0.1:" + app.httpPort());
            URI agents = URI.create("https://127.0.0.1:" + app.agentsPort());
            X509Certificate ca = Pem.readCertificates(tmp.resolve("data/pki/ca.pem")).get(0);
            KeyPair keys = KeyAlgorithm.EC_P256.generate();
            HttpResponse<String> enrolled = TlsClients.post(TlsClients.client(ca, null), agents.resolve(AgentEndpoints.ENROLL),
                    "application/json", TlsClients.enrollJson(TOKEN, keys, "vm1").getBytes(StandardCharsets.UTF_8));
            assertEquals(200, enrolled.statusCode(), enrolled.body());
            X509Certificate leaf = Pem.readCertificates(Files.writeString(tmp.resolve("leaf.pem"),
                    JSON.readTree(enrolled.body()).path("certificate").asText())).get(0);
            HttpClient mtls = TlsClients.client(ca, keys.getPrivate(), leaf);

            assertEquals(204, remoteWrite(PLAIN, http.resolve("/api/v1/receive"), "team-a", write("m", t, 1)).statusCode());
            assertEquals(204, remoteWrite(PLAIN, http.resolve("/api/v1/write"), null, write("m", t, 2)).statusCode());
            assertEquals(204, remoteWrite(mtls, agents.resolve("/api/v1/write"), "team-b", write("m", t, 3)).statusCode());
            assertEquals(204, remoteWrite(mtls, agents.resolve("/api/v1/write"), null, write("m2", t, 4)).statusCode());

            HttpResponse<String> escape = remoteWrite(PLAIN, http.resolve("/api/v1/write"), "../escape", write("m", t, 9));
            assertEquals(400, escape.statusCode(), escape.body());
            assertTrue(escape.body().contains("header THANOS-TENANT: tenant \"../escape\" starts with a dot"), escape.body());
            HttpResponse<String> slash = remoteWrite(mtls, agents.resolve("/api/v1/write"), "a/b", write("m", t, 9));
            assertEquals(400, slash.statusCode(), slash.body());
            assertTrue(slash.body().contains("path separator"), slash.body());
            assertTrue(Files.notExists(tmp.resolve("data/escape")) && Files.notExists(tmp.resolve("data/receive/a")));

            assertEquals(byTenant, query(app, "count by (tenant_id) ({__name__=~\"m|m2\"})", t));
            assertEquals(Map.of("{__name__=m, cluster=eu1, job=node, tenant_id=team-a}", "1"),
                    query(app, "m{tenant_id=\"team-a\"}", t));
            assertEquals(Map.of("{cluster=eu1, job=node, tenant_id=team-b}", "3"),
                    query(app, "sum by (cluster, job, tenant_id) (m{tenant_id=~\"team-b|team-c\"})", t));
            assertEquals(Map.of(), query(app, "m{tenant_id=\"team-c\"}", t));

            String metrics = PLAIN.send(HttpRequest.newBuilder(http.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("cairn_receive_samples_ingested_total{tenant=\"team-b\"} 1\n"), metrics);
            assertTrue(metrics.contains("cairn_receive_samples_ingested_total{tenant=\"default-tenant\"} 2\n"), metrics);
            assertTrue(metrics.contains("cairn_tsdb_head_series{tenant=\"team-a\"} 1\n"), metrics);

            // the appliance's own StoreAPI serves the tenants' series, tenant_id included, to a stacked appliance
            ApplianceConfig upper = ConfigLoader.load(null, tmp.resolve("upper"), "127.0.0.1:0", "127.0.0.1:0")
                    .withQuery(new ApplianceConfig.Query(Duration.ofSeconds(30), 1_000_000, Duration.ofMinutes(5),
                            ApplianceConfig.DEFAULT_REPLICA_LABELS,
                            List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", app.grpcPort(), null))));
            try (ApplianceMain stacked = ApplianceMain.start(upper)) {
                assertEquals(byTenant, query(stacked, "count by (tenant_id) ({__name__=~\"m|m2\"})", t));
                assertEquals(Map.of("{__name__=m, cluster=eu1, job=node, tenant_id=team-b}", "3"),
                        query(stacked, "m{tenant_id=\"team-b\"}", t));
            }
        }
        try (ApplianceMain again = ApplianceMain.start(c)) {
            assertEquals(List.of("default-tenant", "team-a", "team-b"), List.copyOf(again.tenants().tenants().keySet()));
            assertEquals(byTenant, query(again, "count by (tenant_id) ({__name__=~\"m|m2\"})", t));
            assertEquals(Map.of("{__name__=m2, cluster=eu1, job=node, tenant_id=default-tenant}", "4"),
                    query(again, "m2", t));
        }
    }
}
