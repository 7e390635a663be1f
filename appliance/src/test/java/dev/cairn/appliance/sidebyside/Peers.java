package dev.cairn.appliance.sidebyside;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.RemoteWriteSender;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;

/**
 * The two peers of a side-by-side run: Debian's /usr/bin/prometheus (remote-write receiver on,
 * own port and data directory under {@code dir}) and the Cairn appliance in this JVM. Fails loudly
 * when the Prometheus binary is missing. Closing stops both (Prometheus by its PID).
 */
final class Peers implements AutoCloseable {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    final String prometheusUrl;
    final String cairnUrl;
    final ApplianceMain appliance;
    private final Process prometheus;
    private final Path promLog;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Peers(Process prometheus, Path promLog, String prometheusUrl, ApplianceMain appliance) {
        this.prometheus = prometheus;
        this.promLog = promLog;
        this.prometheusUrl = prometheusUrl;
        this.appliance = appliance;
        this.cairnUrl = "http://127.0.0.1:" + appliance.httpPort();
    }

    static Peers start(Path dir) throws Exception {
        if (!Files.isExecutable(PROMETHEUS)) {
            throw new AssertionError(PROMETHEUS + " is missing: install Debian's prometheus package "
                    + "(apt-get install prometheus); the side-by-side comparison needs the real one");
        }
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("prometheus.yml"),
                "global:\n  scrape_interval: 1h\n  evaluation_interval: 1m\n");
        // evaluation_interval is also Prometheus's step of subqueries without one ([10m:]);
        // 1m is the appliance's default (EngineOptions.noStepSubqueryIntervalMs)
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        List<String> cmd = List.of(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=100y");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ApplianceMain app = null;
        try {
            awaitReady("http://127.0.0.1:" + port, p, log);
            app = ApplianceMain.start(ConfigLoader.load(null, dir.resolve("cairn-data"), "127.0.0.1:0", "127.0.0.1:0"));
            return new Peers(p, log, "http://127.0.0.1:" + port, app);
        } catch (Exception | Error e) {
            p.destroyForcibly();
            if (app != null) {
                app.close();
            }
            throw e;
        }
    }

    private static void awaitReady(String base, Process p, Path log) throws IOException, InterruptedException {
        HttpClient c = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("prometheus exited at start-up:\n" + Files.readString(log));
            }
            try {
                if (c.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("prometheus at " + base + " not ready within 30 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Nanoseconds spent in remote write calls, per peer, since start. */
    long prometheusWriteNanos;
    long cairnWriteNanos;
    private RemoteWriteSender toProm;
    private RemoteWriteSender toCairn;

    /** Sends one request to both peers; a non-2xx answer fails with its body. */
    void push(WriteRequest r) throws IOException, InterruptedException {
        if (toProm == null) {
            toProm = new RemoteWriteSender(URI.create(prometheusUrl + "/api/v1/write"));
            toCairn = new RemoteWriteSender(URI.create(cairnUrl + "/api/v1/write"));
        }
        long t0 = System.nanoTime();
        RemoteWriteSender.Response a = toProm.send(r);
        long t1 = System.nanoTime();
        if (a.status() / 100 != 2) {
            throw new AssertionError("remote write to prometheus: HTTP " + a.status() + " " + a.body());
        }
        RemoteWriteSender.Response b = toCairn.send(r);
        long t2 = System.nanoTime();
        if (b.status() / 100 != 2) {
            throw new AssertionError("remote write to cairn: HTTP " + b.status() + " " + b.body());
        }
        prometheusWriteNanos += t1 - t0;
        cairnWriteNanos += t2 - t1;
    }

    /** One API answer: HTTP status and body. */
    record Answer(int status, String body) {
    }

    Answer get(String base, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    String prometheusLog() throws IOException {
        return Files.readString(promLog);
    }

    @Override
    public void close() throws IOException {
        try {
            appliance.close();
        } finally {
            prometheus.destroy();
            try {
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                    prometheus.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                prometheus.destroyForcibly();
            }
        }
    }
}
