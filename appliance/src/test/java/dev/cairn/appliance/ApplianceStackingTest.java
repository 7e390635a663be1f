package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two appliances in one JVM: B queries A through A's StoreAPI, as a configured endpoint. */
class ApplianceStackingTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    private ApplianceConfig config(String name, List<ApplianceConfig.StoreEndpoint> endpoints) {
        ApplianceConfig d = ApplianceConfig.defaults();
        return d.withDataDir(tmp.resolve(name)).withHttp(new ApplianceConfig.Http("127.0.0.1", 0))
                .withGrpc(new ApplianceConfig.Http("127.0.0.1", 0))
                .withQuery(d.query().withEndpoints(endpoints))
                .withCompact(new ApplianceConfig.Compact(false, null, Duration.ofMinutes(5), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO));
    }

    private static String query(ApplianceMain m, String promql, long timeMs) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort()
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + timeMs / 1000.0))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void append(ApplianceMain m, Labels l, long t, double v) throws Exception {
        HeadAppender app = m.db().appender();
        app.append(l, t, v);
        app.commit();
    }

    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort(); // closed again: nothing listens there
        }
    }

    @Test
    void stacked_dataOnlyInA_isAnsweredByBThroughAsStoreApi() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        try (ApplianceMain a = ApplianceMain.start(config("a", List.of()))) {
            append(a, Labels.of("__name__", "cpu_seconds", "instance", "vm-1:9100"), t, 42.5);
            try (ApplianceMain b = ApplianceMain.start(config("b",
                    List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(), null))))) {
                String answer = query(b, "cpu_seconds", t);
                assertTrue(answer.contains("\"instance\":\"vm-1:9100\"") && answer.contains("\"42.5\""), answer);
                assertFalse(answer.contains("\"warnings\""), answer);
                // B's own Db holds nothing: the answer came over A's StoreAPI
                assertTrue(query(b, "count(cpu_seconds)", t).contains("\"1\""));
                assertEquals(0, b.db().head().stats().seriesCreated());
            }
        }
    }

    @Test
    void stacked_replicasInAAndB_areDeduplicatedAndADeadEndpointIsAWarning() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        int dead = deadPort();
        try (ApplianceMain a = ApplianceMain.start(config("a", List.of()))) {
            append(a, Labels.of("__name__", "up", "job", "node", "replica", "r1"), t, 1);
            try (ApplianceMain b = ApplianceMain.start(config("b", List.of(
                    new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(), null),
                    new ApplianceConfig.StoreEndpoint("127.0.0.1", dead, null))))) {
                append(b, Labels.of("__name__", "up", "job", "node", "replica", "r2"), t, 1);
                String answer = query(b, "up", t);
                assertEquals(1, count(answer, "\"metric\""), "one series after dedup by replica: " + answer);
                assertFalse(answer.contains("\"replica\""), answer);
                assertTrue(answer.contains("\"warnings\":[") && answer.contains("127.0.0.1:" + dead), answer);
            }
        }
    }

    @Test
    void stacked_lowerApplianceWithADeadEndpoint_hasItsWarningShownByTheUpperOne() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        int dead = deadPort();
        try (ApplianceMain a = ApplianceMain.start(config("a",
                List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", dead, null))))) {
            append(a, Labels.of("__name__", "up", "job", "node"), t, 1);
            try (ApplianceMain b = ApplianceMain.start(config("b",
                    List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(), null))))) {
                for (String q : List.of("up", "count(up)")) {
                    String answer = query(b, q, t);
                    // A's own data still arrives through A's StoreAPI...
                    assertTrue(answer.contains("\"status\":\"success\"") && answer.contains("\"1\""), answer);
                    // ...and the endpoint A could not reach is named in B's warnings, through A
                    assertTrue(answer.contains("\"warnings\":["), answer);
                    assertTrue(answer.contains("127.0.0.1:" + dead), answer);
                    assertTrue(answer.contains("127.0.0.1:" + a.grpcPort()), answer);
                }
            }
        }
    }

    /** Asks until the answer passes {@code done}: endpoints started after the querier are seen healthy later. */
    private static String queryUntil(ApplianceMain m, String promql, long t, java.util.function.Predicate<String> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String answer = query(m, promql, t);
        while (!done.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            answer = query(m, promql, t);
        }
        return answer;
    }

    private ApplianceConfig listeningOn(ApplianceConfig c, int grpcPort) {
        return c.withGrpc(new ApplianceConfig.Http("127.0.0.1", grpcPort));
    }

    @Test
    void selfLoop_isDroppedWithAWarning_andTheOwnDataIsAnswered() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        int port = deadPort(); // free now; A listens there and names itself as an endpoint
        ApplianceConfig c = listeningOn(config("a",
                List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", port, null))), port);
        try (ApplianceMain a = ApplianceMain.start(c)) {
            append(a, Labels.of("__name__", "up", "job", "node"), t, 1);
            // the health check at start ran before A listened; the next one meets A itself
            String answer = queryUntil(a, "up", t, r -> r.contains("query loop"));
            assertTrue(answer.contains("query loop"), answer);
            assertTrue(answer.contains("\"job\":\"node\""), answer);
            assertEquals(1, count(answer, "\"metric\""), answer);
            long start = System.nanoTime();
            query(a, "up", t);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "a loop must not run to the timeout");
        }
    }

    @Test
    void loopThroughAnotherAppliance_isCutWhereItClosesWithAWarning() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        int portA = deadPort();
        int portB = deadPort();
        while (portB == portA) {
            portB = deadPort();
        }
        try (ApplianceMain a = ApplianceMain.start(listeningOn(config("a",
                List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", portB, null))), portA));
             ApplianceMain b = ApplianceMain.start(listeningOn(config("b",
                     List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", portA, null))), portB))) {
            append(a, Labels.of("__name__", "up", "job", "node", "instance", "in-a"), t, 1);
            append(b, Labels.of("__name__", "up", "job", "node", "instance", "in-b"), t, 1);
            for (ApplianceMain m : List.of(a, b)) {
                String answer = queryUntil(m, "up", t, r -> r.contains("\"in-a\"") && r.contains("\"in-b\"")
                        && r.contains("query loop"));
                // each sees both series once: its own and the other's, not its own again through the other
                assertEquals(2, count(answer, "\"metric\""), answer);
                assertTrue(answer.contains("\"in-a\"") && answer.contains("\"in-b\""), answer);
                assertTrue(answer.contains("query loop"), answer);
            }
        }
    }
}
