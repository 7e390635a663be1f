package dev.cairn.appliance.promql.parser;

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
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real Prometheus (Debian's /usr/bin/prometheus, 2.42) on 127.0.0.1, a free port and a temporary
 * data directory, used as the oracle for parse errors and formatting. Fails loudly when the binary
 * is missing: these comparisons are the proof of compatibility and must not be skipped.
 */
final class LivePrometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final Path dir;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private LivePrometheus(Process process, Path dir, String base) {
        this.process = process;
        this.dir = dir;
        this.base = base;
    }

    static LivePrometheus start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package "
                    + "(apt-get install prometheus); the PromQL parser is verified against it");
        }
        Path dir = Files.createTempDirectory("cairn-promql-live");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        LivePrometheus live = new LivePrometheus(p, dir, "http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int attempt = 0; attempt < 300; attempt++) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("prometheus.log"));
                live.close();
                throw new IllegalStateException("prometheus exited at start-up:\n" + log);
            }
            if (live.ready()) {
                return live;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        live.close();
        throw new IllegalStateException("prometheus on port " + port + " not ready within 30 s");
    }

    private boolean ready() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Prometheus's answer for a query: its formatted form, or its parse error without the API prefix. */
    Outcome outcome(String query) throws IOException, InterruptedException {
        JsonNode formatted = post("/api/v1/format_query", query);
        if ("success".equals(formatted.path("status").asText())) {
            return new Outcome(formatted.path("data").asText(), null);
        }
        JsonNode evaluated = post("/api/v1/query", query);
        String error = evaluated.path("error").asText();
        String prefix = "invalid parameter \"query\": ";
        if (!error.startsWith(prefix)) {
            throw new IllegalStateException("unexpected answer from prometheus for " + query + ": " + evaluated);
        }
        return new Outcome(null, error.substring(prefix.length()));
    }

    /**
     * Prometheus's parse error for a {@code match[]} selector of {@code /api/v1/series} (without
     * the API prefix), or null when it accepts it.
     */
    String seriesMatchError(String selector) throws IOException, InterruptedException {
        String url = base + "/api/v1/series?match%5B%5D=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
        JsonNode r = json.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        if ("success".equals(r.path("status").asText())) {
            return null;
        }
        String error = r.path("error").asText();
        String prefix = "invalid parameter \"match[]\": ";
        if (!error.startsWith(prefix)) {
            throw new IllegalStateException("unexpected answer from prometheus for match[]=" + selector + ": " + r);
        }
        return error.substring(prefix.length());
    }

    private JsonNode post(String path, String query) throws IOException, InterruptedException {
        String body = "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return json.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Either {@code formatted} or {@code error} is set. */
    record Outcome(String formatted, String error) {
        static Outcome of(String query) {
            try {
                return new Outcome(Printer.pretty(Parser.parse(query)), null);
            } catch (ParseException e) {
                return new Outcome(null, e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
