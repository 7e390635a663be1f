package dev.cairn.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The real Debian {@code /usr/bin/prometheus} on 127.0.0.1 and a fixed free port, with its own
 * data directory; can be stopped (SIGTERM to its PID) and started again on the same port and data.
 * A missing binary fails the test.
 */
final class PromPeer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Path dir;
    private final int port;
    private final List<String> flags;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private Process process;
    private int starts;

    /** {@code ${PORT}} in {@code config} stands for the peer's own port. */
    PromPeer(Path dir, String config, String... extraFlags) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package; the relay's "
                    + "end-to-end tests run against it");
        }
        this.dir = Files.createDirectories(dir);
        this.port = freePort();
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config.replace("${PORT}", Integer.toString(port)));
        flags = new ArrayList<>(List.of(BINARY.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=info"));
        flags.addAll(List.of(extraFlags));
        start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    void start() throws IOException, InterruptedException {
        Path log = dir.resolve("prometheus-" + starts++ + ".log");
        process = new ProcessBuilder(flags).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        stop();
        throw new IllegalStateException("prometheus on port " + port + " not ready in 30 s: " + Files.readString(log));
    }

    /** SIGTERM to our PID, SIGKILL if it does not exit in 15 s. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * Every sample of a range-vector query at time {@code t} (seconds), as
     * {@code series → (timestamp ms → value text)}; values compared as Prometheus prints them.
     */
    Map<String, Map<Long, String>> rangeSamples(String query, double t) throws IOException, InterruptedException {
        String q = "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + t;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(q)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode root = json.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(root.path("status").asText())) {
            throw new IOException("prometheus on " + port + " answered " + query + " with " + r.statusCode() + ": "
                    + r.body());
        }
        Map<String, Map<Long, String>> out = new TreeMap<>();
        for (JsonNode series : root.path("data").path("result")) {
            Map<Long, String> samples = new TreeMap<>();
            for (JsonNode v : series.path("values")) {
                samples.put(Math.round(v.get(0).asDouble() * 1000), v.get(1).asText());
            }
            out.put(series.path("metric").toString(), samples);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
