package dev.cairn.appliance.sizing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's /usr/bin/prometheus on 127.0.0.1 and a free port, scraping itself every second. Fails (never
 * skips) when the binary is missing; {@link #close()} stops the one process it started, by its handle.
 */
final class SelfScrapingPrometheus implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.e+-]+,\"([^\"]+)\"\\]");

    private final Process process;
    private final Path log;
    final String url;

    SelfScrapingPrometheus(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install Debian's prometheus package (apt-get install prometheus)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
                "scrape_configs:", "  - job_name: self", "    static_configs:",
                "      - targets: ['127.0.0.1:" + port + "']", ""));
        log = dir.resolve("prometheus.log");
        process = new ProcessBuilder(List.of(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitScrapes(15, Duration.ofSeconds(60));
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    /** Waits (bounded) until the 5 m window holds {@code n} scrapes of the appended-samples counter. */
    private void awaitScrapes(int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                String v = instant("min(count_over_time(prometheus_tsdb_head_samples_appended_total[5m]))");
                if (v != null && Double.parseDouble(v) >= n) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("prometheus did not scrape itself " + n + " times within " + timeout + ":\n"
                + Files.readString(log));
    }

    /** The first value of an instant query, as text; null for an empty vector. Written apart from PrometheusApi. */
    String instant(String promql) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        try {
            String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VALUE.matcher(body);
            return m.find() ? m.group(1) : null;
        } finally {
            c.disconnect();
        }
    }

    /** The counter's increase over the last 10 s of scrapes, per second, computed without rate(). */
    double samplesPerSecondOver10s() throws IOException {
        String c = "sum(prometheus_tsdb_head_samples_appended_total)";
        return Double.parseDouble(instant("(" + c + " - " + c.replace(")", " offset 10s)") + ") / 10"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
