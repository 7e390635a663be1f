package dev.cairn.appliance.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.appliance.web.WebRequest;
import dev.cairn.appliance.web.WebResponse;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agents' routes on the appliance's plain HTTP port, in process, over real HTTP on 127.0.0.1. */
class AgentRoutesTest {
    private static final String ULID = "01HZX3K5V9N2Q8R7T6Y4W1M0PA";

    @TempDir
    Path tmp;
    private ApplianceMain app;
    private String base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        app = ApplianceMain.start(ConfigLoader.load(null, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0"));
        base = "http://127.0.0.1:" + app.httpPort();
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    @Test
    void heartbeat_isListed_withAWildcardStoreAddressMadeReachable() throws Exception {
        String hb = """
                {"agent_id":"vm1","hostname":"vm1.example","version":"1","mode":"sidecar","external_labels":{},
                 "store_address":"0.0.0.0:10901","queue_bytes":0,"oldest_unsent_age_seconds":0,
                 "last_shipped_block":"","last_shipped_time":"","certificate_not_after":"","started":""}
                """;
        HttpResponse<String> r = send(at("/api/v1/agents/heartbeat").POST(HttpRequest.BodyPublishers.ofString(hb)));
        assertEquals(204, r.statusCode(), r.body());
        HttpResponse<String> list = send(at("/api/v1/agents"));
        assertEquals(200, list.statusCode());
        assertTrue(list.body().startsWith("{\"status\":\"success\",\"data\":[{\"agent_id\":\"vm1\""), list.body());
        assertTrue(list.body().contains("\"store_address\":\"127.0.0.1:10901\""), list.body());
        assertTrue(list.body().contains("\"healthy\":true"), list.body());
        // and the sidecar joined the query layer's endpoints (unhealthy: nothing listens there)
        assertTrue(app.agents().agents().size() == 1);

        HttpResponse<String> bad = send(at("/api/v1/agents/heartbeat").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("\"errorType\":\"bad_data\"") && bad.body().contains("agent_id: required"),
                bad.body());
    }

    @Test
    void heartbeat_withAnotherAgentsCertificate_isForbidden() {
        AgentRegistry registry = new AgentRegistry(System::currentTimeMillis, new AgentRegistry.Listener() {
            @Override
            public void storeAdded(String agentId, String address) {
            }

            @Override
            public void storeRemoved(String agentId) {
            }
        });
        byte[] body = "{\"agent_id\":\"vm1\",\"mode\":\"relay\"}".getBytes(StandardCharsets.UTF_8);
        WebResponse r = AgentRoutes.heartbeat(registry, new WebRequest("POST", AgentRoutes.HEARTBEAT, Map.of(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, body,
                new InetSocketAddress("127.0.0.1", 40000), "vm2", null));
        assertEquals(403, r.status());
        assertEquals(0, registry.agents().size());
        assertEquals(204, AgentRoutes.heartbeat(registry, new WebRequest("POST", AgentRoutes.HEARTBEAT, Map.of(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, body,
                new InetSocketAddress("127.0.0.1", 40000), "vm1", null)).status());
    }

    @Test
    void blockUpload_largerThanAnyRequestBuffer_isStreamedIntoTheBucket() throws Exception {
        byte[] chunk = new byte[40 << 20]; // more than the 37 MiB the aggregator would hold for remote write
        new Random(7).nextBytes(chunk);
        HttpResponse<String> r = send(at("/api/v1/agents/blocks/" + ULID + "/chunks/000001")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)));
        assertEquals(204, r.statusCode(), r.body());
        r = send(at("/api/v1/agents/blocks/" + ULID + "/meta.json").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(204, r.statusCode(), r.body());

        Path bucket = app.config().bucketDir();
        assertEquals(chunk.length, Files.size(bucket.resolve(ULID).resolve("chunks/000001")));
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        want.update(chunk);
        try (InputStream in = Files.newInputStream(bucket.resolve(ULID).resolve("chunks/000001"))) {
            got.update(in.readAllBytes());
        }
        assertArrayEquals(want.digest(), got.digest());
        assertEquals("{}", Files.readString(bucket.resolve(ULID).resolve("meta.json")));
        try (Stream<Path> spool = Files.list(tmp.resolve("data").resolve("uploads"))) {
            assertEquals(0, spool.count(), "spool files left behind");
        }
        // the connection is still usable after a streamed upload
        assertEquals(200, send(at("/-/healthy")).statusCode());
    }

    @Test
    void blockUpload_badNames_areRefused() throws Exception {
        for (String path : new String[] {"/api/v1/agents/blocks/not-a-ulid/index",
                "/api/v1/agents/blocks/" + ULID, "/api/v1/agents/blocks/" + ULID + "/%2e%2e/x",
                "/api/v1/agents/blocks/" + ULID + "//index"}) {
            HttpResponse<String> r = send(at(path).PUT(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(400, r.statusCode(), path + ": " + r.body());
        }
        try (Stream<Path> s = Files.walk(app.config().bucketDir())) {
            // (the compactor keeps its lock object there)
            assertEquals(0, s.filter(p -> p.toString().contains(ULID) || p.getFileName().toString().equals("x")).count());
        }
    }

    @Test
    void blockUpload_fromAnotherHostWithoutCertificate_isForbidden() {
        BlockUploadRoute route = new BlockUploadRoute(null);
        String path = BlockUploadRoute.PREFIX + ULID + "/index";
        WebResponse r = route.check(new WebRequest("PUT", path, Map.of(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, new byte[0],
                new InetSocketAddress("10.1.2.3", 40000), null, null));
        assertEquals(403, r.status());
        assertNull(route.check(new WebRequest("PUT", path, Map.of(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, new byte[0],
                new InetSocketAddress("10.1.2.3", 40000), "vm1", null)), "a verified client certificate may upload");
        assertNull(route.check(new WebRequest("PUT", path, Map.of(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, new byte[0],
                new InetSocketAddress("127.0.0.1", 40000), null, null)), "loopback may upload on the plain port");
    }
}
