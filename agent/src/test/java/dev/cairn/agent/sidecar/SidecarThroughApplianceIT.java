package dev.cairn.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.agent.Agent;
import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.config.Mode;
import dev.cairn.agent.config.ReportConfig;
import dev.cairn.agent.config.SidecarConfig;
import dev.cairn.agent.it.PromQuery;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sidecar mode end to end, all on 127.0.0.1: the real Debian Prometheus (external labels, scraping itself
 * every second, cutting a block every 20 s: min and max block duration both 20s, and deleting blocks after
 * about a minute: retention 40s) with NO remote write;
 * the appliance in-process; agents in-process.
 * <ul>
 *   <li>{@code agent-a} (relay+sidecar, blocks through the appliance, heartbeat every second): the
 *       appliance learns its StoreAPI from the heartbeat alone, answers PromQL with data only the
 *       Prometheus holds, and receives its blocks through {@code PUT /api/v1/agents/blocks/...};</li>
 *   <li>{@code agent-b} (sidecar, blocks straight to a filesystem bucket of its own).</li>
 * </ul>
 * Both show in {@code /api/v1/agents} and the appliance's /metrics; a stopped agent turns unhealthy. Once
 * Prometheus's retention deleted a shipped block, the appliance still answers its range with exactly the
 * samples it answered before, from the bucket (store gateway).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SidecarThroughApplianceIT {
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(180);

    @TempDir
    static Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalPrometheus prometheus;
    private ApplianceMain appliance;
    private Agent agentA;
    private Agent agentB;
    private Path directBucket;

    @BeforeAll
    void start() throws Exception {
        prometheus = new LocalPrometheus(dir.resolve("prometheus"), """
                global:
                  scrape_interval: 1s
                  external_labels: {cluster: sidecar-it, replica: "0"}
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:${PORT}']}]
                """, "--storage.tsdb.min-block-duration=20s", "--storage.tsdb.max-block-duration=20s",
                // real retention: a block goes once the newest is over 40 s younger (about a minute after its cut)
                "--storage.tsdb.retention.time=40s");
        appliance = ApplianceMain.start(ConfigLoader.load(null, dir.resolve("appliance"), "127.0.0.1:0", "127.0.0.1:0"));
        URI write = URI.create("http://127.0.0.1:" + appliance.httpPort() + "/api/v1/write");
        AgentConfig d = AgentConfig.defaults();
        SidecarConfig sidecar = d.sidecar().withPrometheus(prometheus.uri(""), prometheus.dataDir)
                .withGrpc("127.0.0.1", 0).withShipInterval(Duration.ofSeconds(1));
        agentA = Agent.start(d.withDataDir(dir.resolve("agent-a"))
                .withAppliance(new AgentConfig.ApplianceConfig(write, false, null))
                .withRelay(d.relay().withListen("127.0.0.1", 0))
                .withMode(Mode.RELAY_AND_SIDECAR)
                .withSidecar(sidecar.withUpload(SidecarConfig.Upload.APPLIANCE, null))
                .withReport(new ReportConfig(Duration.ofSeconds(1), "agent-a")));
        directBucket = dir.resolve("direct-bucket");
        agentB = Agent.start(d.withDataDir(dir.resolve("agent-b"))
                .withAppliance(new AgentConfig.ApplianceConfig(write, false, null))
                .withMode(Mode.SIDECAR)
                .withHttp(new AgentConfig.HttpConfig("127.0.0.1", 0))
                .withSidecar(sidecar.withUpload(SidecarConfig.Upload.BUCKET,
                        new SidecarConfig.BucketConfig(directBucket, null)))
                .withReport(new ReportConfig(Duration.ofSeconds(1), "agent-b")));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (Agent a : new Agent[] {agentA, agentB}) {
                if (a != null) {
                    a.close();
                }
            }
            if (appliance != null) {
                appliance.close();
            }
        } finally {
            if (prometheus != null) {
                prometheus.close();
            }
        }
    }

    @Test
    @Order(1)
    void heartbeat_registersBothAgents_inApiAndMetrics() throws Exception {
        waitFor("both agents in /api/v1/agents", () -> agents().size() == 2);
        Map<String, JsonNode> agents = agents();
        JsonNode a = agents.get("agent-a");
        assertEquals("relay+sidecar", a.path("mode").asText());
        assertEquals("127.0.0.1:" + agentA.sidecar().port(), a.path("store_address").asText());
        assertEquals(Map.of("cluster", "sidecar-it", "replica", "0"),
                json.convertValue(a.path("external_labels"), Map.class));
        assertTrue(a.path("healthy").asBoolean(), a.toString());
        assertFalse(a.path("started").asText().isEmpty(), a.toString());
        assertFalse(a.path("last_heartbeat").asText().isEmpty(), a.toString());
        assertEquals("sidecar", agents.get("agent-b").path("mode").asText());

        String metrics = get(URI.create(base() + "/metrics"));
        assertTrue(metrics.contains("\ncairn_agents_registered 2\n"), metrics);
        double last = sample(metrics, "cairn_agent_last_heartbeat_timestamp_seconds", "agent-a");
        assertTrue(Math.abs(last - System.currentTimeMillis() / 1000.0) < 60, "last heartbeat at " + last);
        assertEquals(0, sample(metrics, "cairn_agent_queue_bytes", "agent-b"));
    }

    @Test
    @Order(2)
    void query_throughTheAppliance_answersWithDataOnlyThePrometheusHolds() throws Exception {
        // the appliance's own receive is empty: Prometheus does not remote-write anywhere
        assertEquals(0, appliance.db().head().numSeries(), "the appliance received samples; this test needs none");
        long deadline = System.nanoTime() + WAIT_NANOS;
        Map<Long, Double> want = Map.of();
        Map<Long, Double> got = Map.of();
        long t = 0;
        while (System.nanoTime() < deadline) {
            t = System.currentTimeMillis() - 3000; // scrapes at or before t are appended by now
            want = range(prometheus.uri(""), "up{job=\"self\"}[15s]", t);
            got = range(URI.create(base()), "up{job=\"self\",cluster=\"sidecar-it\"}[15s]", t);
            if (want.size() >= 5 && want.equals(got)) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(want.size() >= 5, "Prometheus scraped itself fewer than 5 times in 15 s: " + want);
        assertEquals(want, got, "up[15s] at " + t + " from the appliance (through agent-a's and agent-b's sidecars)");
    }

    @Test
    @Order(3)
    void blocks_areShipped_throughTheAppliance_andStraightToABucket() throws Exception {
        Path applianceBucket = appliance.config().bucketDir();
        waitFor("a Prometheus block shipped through the appliance and one to the direct bucket",
                () -> !shippedBlocks(applianceBucket).isEmpty() && !shippedBlocks(directBucket).isEmpty());
        for (Path bucket : List.of(applianceBucket, directBucket)) {
            for (String ulid : shippedBlocks(bucket)) {
                JsonNode meta = json.readTree(bucket.resolve(ulid).resolve("meta.json").toFile());
                assertEquals("sidecar", meta.path("thanos").path("source").asText(), meta.toString());
                assertEquals(Map.of("cluster", "sidecar-it", "replica", "0"),
                        json.convertValue(meta.path("thanos").path("labels"), Map.class));
                Path local = prometheus.dataDir.resolve(ulid);
                if (Files.isDirectory(local)) { // Prometheus keeps it (no retention this short)
                    assertEquals(Files.size(local.resolve("index")), Files.size(bucket.resolve(ulid).resolve("index")),
                            ulid + "/index in " + bucket);
                    assertEquals(Files.size(local.resolve("chunks/000001")),
                            Files.size(bucket.resolve(ulid).resolve("chunks/000001")), ulid + "/chunks/000001 in " + bucket);
                }
            }
        }
        // each shipper recorded what it shipped (in its own data dir: Prometheus's may not be writable)
        for (String agent : List.of("agent-a", "agent-b")) {
            Path state = dir.resolve(agent).resolve("shipper.json");
            waitFor(state + " written", () -> Files.isRegularFile(state));
        }
        // the heartbeat carries the shipper's progress to the registry, and the agent's /metrics show it
        waitFor("agent-a's last shipped block in /api/v1/agents",
                () -> shippedBlocks(applianceBucket).contains(agents().get("agent-a").path("last_shipped_block").asText()));
        String metrics = get(URI.create(base() + "/metrics"));
        assertTrue(sample(metrics, "cairn_agent_last_shipped_timestamp_seconds", "agent-a") > 0, metrics);
        String own = get(URI.create("http://127.0.0.1:" + agentA.relay().address().getPort() + "/metrics"));
        assertTrue(value(own, "cairn_shipper_uploaded_blocks_total") >= 1, own);
        assertTrue(value(own, "cairn_agent_heartbeats_sent_total") >= 1, own);
        assertTrue(value(own, "cairn_shipper_upload_lag_seconds") > 0, own);
        assertTrue(own.contains("\ncairn_relay_queue_bytes "), own);
        // agent-b has no relay: its /metrics are on http.listen
        String b = get(URI.create("http://127.0.0.1:" + agentB.metricsAddress().getPort() + "/metrics"));
        assertTrue(value(b, "cairn_shipper_uploaded_blocks_total") >= 1, b);
        assertFalse(b.contains("cairn_relay_"), b);
    }

    @Test
    @Order(4)
    void agent_thatStopsHeartbeating_turnsUnhealthy_andTheOtherStaysHealthy() throws Exception {
        agentB.close();
        waitFor("agent-b unhealthy", () -> !agents().get("agent-b").path("healthy").asBoolean(true));
        assertTrue(agents().get("agent-a").path("healthy").asBoolean(), agents().toString());
        String metrics = get(URI.create(base() + "/metrics"));
        assertTrue(metrics.contains("\ncairn_agents_healthy 1\n"), metrics);
    }

    @Test
    @Order(5)
    void shippedBlock_deletedByPrometheusRetention_isStillAnswered_fromTheBucket() throws Exception {
        Path bucket = appliance.config().bucketDir();
        // the newest shipped block of (nearly) a full 20 s that Prometheus still holds, its range answered by
        // Prometheus itself; a block's minTime is its first sample, so the first block is short
        String[] ulid = new String[1];
        waitFor("a full shipped block that Prometheus still holds", () -> {
            for (String u : shippedBlocks(bucket)) {
                JsonNode m = json.readTree(bucket.resolve(u).resolve("meta.json").toFile());
                if (m.path("maxTime").asLong() - m.path("minTime").asLong() >= 15_000
                        && Files.isRegularFile(prometheus.dataDir.resolve(u).resolve("meta.json"))) {
                    ulid[0] = u;
                }
            }
            return ulid[0] != null;
        });
        JsonNode meta = json.readTree(bucket.resolve(ulid[0]).resolve("meta.json").toFile());
        long minT = meta.path("minTime").asLong();
        long maxT = meta.path("maxTime").asLong(); // exclusive
        double t = (maxT - 1) / 1000.0;
        String query = "{job=\"self\"}[" + (maxT - minT) + "ms]"; // [minT, maxT - 1]: the block's samples
        URI prom = prometheus.uri("");
        URI app = URI.create(base());
        Map<String, Map<Long, String>> local = PromQuery.rangeSamples(prom, query, t);
        Map<String, Map<Long, String>> before = PromQuery.rangeSamples(app, query, t, "cluster");
        assertTrue(PromQuery.count(local) > 1000, "too few samples in block " + ulid[0] + ": " + PromQuery.count(local));
        assertEquals(local, before, "the appliance before the deletion, against Prometheus, for " + query + " at " + t);

        waitFor("Prometheus deleting block " + ulid[0] + " (retention)",
                () -> !Files.exists(prometheus.dataDir.resolve(ulid[0])));
        assertEquals(Map.of(), PromQuery.rangeSamples(prom, query, t),
                "Prometheus still answers for the range of its deleted block " + ulid[0]);
        assertTrue(Files.isRegularFile(bucket.resolve(ulid[0]).resolve("meta.json")), ulid[0] + " left the bucket");
        @SuppressWarnings("unchecked")
        Map<String, Map<Long, String>>[] after = new Map[1];
        waitFor("the appliance answering the deleted block's range from the bucket", () -> {
            after[0] = PromQuery.rangeSamples(app, query, t, "cluster");
            return before.equals(after[0]);
        });
        assertEquals(before, after[0]);
        assertTrue(value(get(URI.create(base() + "/metrics")), "cairn_store_blocks_loaded") >= 1);
        System.out.printf("sidecar retention test: block %s [%d, %d) deleted by Prometheus; %d samples of %d series "
                + "answered identically by the appliance from the bucket%n", ulid[0], minT, maxT,
                PromQuery.count(before), before.size());
    }

    // ---- helpers ----

    private String base() {
        return "http://127.0.0.1:" + appliance.httpPort();
    }

    private Map<String, JsonNode> agents() throws IOException, InterruptedException {
        JsonNode root = json.readTree(get(URI.create(base() + "/api/v1/agents")));
        assertEquals("success", root.path("status").asText(), root.toString());
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode a : root.path("data")) {
            out.put(a.path("agent_id").asText(), a);
        }
        return out;
    }

    /** A range-vector instant query's single series as timestamp → value (empty when no series yet). */
    private Map<Long, Double> range(URI server, String query, long tMs) throws IOException, InterruptedException {
        String q = "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + tMs / 1000.0;
        JsonNode root = json.readTree(get(URI.create(server + q)));
        JsonNode result = root.path("data").path("result");
        assertTrue(result.size() <= 1, server + " answered " + query + " with " + root);
        Map<Long, Double> out = new TreeMap<>();
        if (!result.isEmpty()) {
            for (JsonNode v : result.get(0).path("values")) {
                out.put(Math.round(v.get(0).asDouble() * 1000), Double.parseDouble(v.get(1).asText()));
            }
        }
        return out;
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), uri + ": " + r.body());
        return r.body();
    }

    /** Blocks with a meta.json in a filesystem bucket. */
    private static List<String> shippedBlocks(Path bucket) throws IOException {
        if (!Files.isDirectory(bucket)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(bucket)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("meta.json")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static double sample(String metrics, String name, String agentId) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{agent_id=\"" + agentId + "\",hostname=\"[^\"]*\"} (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), name + " for " + agentId + " missing:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " missing:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(String what, Check c) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(250);
        }
        assertTrue(c.ok(), what + ": not within " + TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS) + " s");
    }
}
