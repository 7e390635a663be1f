package dev.cairn.storeapi.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * The real Debian {@code /usr/bin/prometheus} on 127.0.0.1 and a free port, with its own config
 * and data directory under a test's temp dir. Stopped by its PID (SIGTERM, then SIGKILL).
 * Missing binary fails the test: the compatibility claims rest on it.
 */
public final class PrometheusProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /**
     * Starts Prometheus with {@code config}, in which {@code ${PORT}} stands for its own port (so it
     * can scrape itself).
     */
    public PrometheusProcess(Path dir, String config, String... extraFlags) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package "
                    + "(scripts/install-deps.sh does); these tests compare Cairn against it");
        }
        this.port = freePort();
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config.replace("${PORT}", Integer.toString(port)));
        Path data = Files.createDirectories(dir.resolve("data"));
        this.log = dir.resolve("prometheus.log");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(BINARY.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=info"));
        cmd.addAll(java.util.List.of(extraFlags));
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(Duration.ofSeconds(30));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** Prometheus's whole log so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The last lines of Prometheus's log, for failure messages. */
    public String logTail() {
        try {
            java.util.List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("prometheus on port " + port + " not ready after " + timeout + ":\n" + logTail());
    }

    /** GET an API path, check {@code status: success}, return {@code data}. */
    public JsonNode api(String path, String... params) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder(path);
        for (int i = 0; i < params.length; i += 2) {
            q.append(i == 0 ? '?' : '&').append(params[i]).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(q.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode root = json.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(root.path("status").asText())) {
            throw new IOException("prometheus " + q + " answered " + r.statusCode() + ": " + r.body());
        }
        return root.get("data");
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM to this PID only
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public long pid() {
        return process.pid();
    }
}
