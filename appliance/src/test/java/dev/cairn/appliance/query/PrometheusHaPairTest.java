package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.Matrix;
import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End to end with the real Prometheus: an HA pair (external label replica=a / replica=b) scraping the
 * same two targets (each other's /metrics) every second, read by remote read through the query
 * layer. Replica a is stopped for about 15 s and started again; the deduplicated {@code up} series
 * must cover the outage with no gap longer than the penalty allows, and count(up) must see each
 * target once, not once per replica.
 */
class PrometheusHaPairTest {
    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final long INTERVAL_MS = 1_000;

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            stopProcess(p);
        }
        pool.shutdownNow();
    }

    @Test
    void haPair_oneReplicaRestarted_dedupedUpHasNoGapAndOneSeriesPerTarget() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " is missing: install Debian's prometheus package (apt-get install prometheus)");
        }
        int portA = freePort();
        int portB = freePort();
        Path cfgA = config("a", portA, portB);
        Path cfgB = config("b", portA, portB);
        Process a = start(cfgA, dir.resolve("data-a"), portA);
        start(cfgB, dir.resolve("data-b"), portB);
        long begin = System.currentTimeMillis();
        // Prometheus starts scraping about 5 s after it is ready (its scrape manager applies targets
        // on a 5 s tick); then let both run past Thanos's 5 s initial penalty, which at a 1 s
        // interval would otherwise hold the other replica back at the start of the range
        Thread.sleep(14_000);

        stopProcess(a);
        long stoppedAt = System.currentTimeMillis();
        Thread.sleep(15_000);
        start(cfgA, dir.resolve("data-a"), portA);
        long restartedAt = System.currentTimeMillis();
        Thread.sleep(9_000);
        long end = System.currentTimeMillis();

        EndpointSet set = new EndpointSet(pool, 5_000, System::currentTimeMillis);
        set.addStatic(new RemoteReadEndpoint(URI.create("http://127.0.0.1:" + portA + "/api/v1/read"),
                Duration.ofSeconds(10), Labels.of("replica", "a"), System::currentTimeMillis), TlsSettings.PLAINTEXT);
        set.addStatic(new RemoteReadEndpoint(URI.create("http://127.0.0.1:" + portB + "/api/v1/read"),
                Duration.ofSeconds(10), Labels.of("replica", "b"), System::currentTimeMillis), TlsSettings.PLAINTEXT);
        set.refresh();
        assertTrue(set.statuses().stream().allMatch(EndpointStatus::healthy), set.statuses().toString());

        // replica a alone really has the outage
        QueryOptions raw = QueryOptions.defaults().withReplicaLabels(List.of()).withPartialResponse(false);
        Warnings w = new Warnings();
        try (Querier q = new Queryable(set, pool).factory(raw, w).querier(begin, end)) {
            SeriesSet s = q.select(List.of(Matcher.equal("__name__", "up"), Matcher.equal("replica", "a")));
            assertTrue(s.next(), "replica a has an up series");
            long gap = Samples.maxDelta(Samples.times(s.at().iterator(null)));
            assertTrue(gap >= 10_000, "replica a's largest gap is " + gap + " ms, expected the ~15 s outage");
        }

        QueryOptions dedup = QueryOptions.defaults().withReplicaLabels(List.of("replica")).withPartialResponse(false);
        QuerierFactory view = new Queryable(set, pool).factory(dedup, w);
        List<Labels> seen = new ArrayList<>();
        try (Querier q = view.querier(begin, end)) {
            SeriesSet s = q.select(List.of(Matcher.equal("__name__", "up"), Matcher.equal("job", "pair")));
            while (s.next()) {
                seen.add(s.at().labels());
                long[] ts = Samples.times(s.at().iterator(null));
                assertTrue(Samples.strictlyIncreasing(ts), s.at().labels() + " has duplicate timestamps");
                long covered = 0;
                for (long t : ts) {
                    covered += t > stoppedAt && t < restartedAt ? 1 : 0;
                }
                assertTrue(covered >= 10, s.at().labels() + " has " + covered + " samples during a's outage");
                // the penalty (2 × the interval) plus the replicas' scrape phase bound any gap
                long gap = Samples.maxDelta(ts);
                assertTrue(gap <= 3 * INTERVAL_MS + 500, s.at().labels() + ": largest gap " + gap + " ms");
                System.out.println("dedup " + s.at().labels() + ": " + ts.length + " samples, largest gap " + gap + " ms");
            }
        }
        assertEquals(List.of(
                Labels.of("__name__", "up", "instance", "127.0.0.1:" + Math.min(portA, portB), "job", "pair"),
                Labels.of("__name__", "up", "instance", "127.0.0.1:" + Math.max(portA, portB), "job", "pair")),
                sortedByInstance(seen));

        // through PromQL: each target counted once at every step, not once per replica
        Matrix m = (Matrix) new Engine().rangeQuery(view, "count(up{job=\"pair\"})", begin + 8_000, end - 1_000, 1_000)
                .value();
        assertEquals(1, m.series().size());
        for (double v : m.series().get(0).vs()) {
            assertEquals(2.0, v, m.series().get(0).toString());
        }
        assertTrue(m.series().get(0).size() >= 25, "steps " + m.series().get(0).size());
        assertTrue(w.isEmpty(), w.list().toString());
    }

    private static List<Labels> sortedByInstance(List<Labels> ls) {
        List<Labels> out = new ArrayList<>(ls);
        out.sort((x, y) -> Integer.compare(port(x), port(y)));
        return out;
    }

    private static int port(Labels l) {
        String i = l.get("instance");
        return Integer.parseInt(i.substring(i.lastIndexOf(':') + 1));
    }

    private Path config(String replica, int portA, int portB) throws IOException {
        Path p = dir.resolve("prometheus-" + replica + ".yml");
        Files.writeString(p, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                  external_labels:
                    replica: %s
                scrape_configs:
                  - job_name: pair
                    static_configs:
                      - targets: ['127.0.0.1:%d', '127.0.0.1:%d']
                """.formatted(replica, portA, portB));
        return p;
    }

    private Process start(Path config, Path data, int port) throws IOException, InterruptedException {
        Path log = dir.resolve("prometheus-" + port + "-" + started.size() + ".log");
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("prometheus on port " + port + " exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("prometheus on port " + port + " not ready within 30 s: " + Files.readString(log));
        return p;
    }

    private static void stopProcess(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy(); // SIGTERM to this PID: Prometheus shuts down cleanly and releases its data dir lock
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
