package dev.cairn.cli;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus (Debian's 2.42, {@code /usr/bin/prometheus} or {@code $CAIRN_PROMETHEUS}) on
 * 127.0.0.1 and a free port, with its own data directory, scraping itself every second, admin API
 * on. Fails the test (never skips) when the binary is missing. {@link #close()} stops exactly the
 * process it started, by its PID.
 */
final class PrometheusProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private PrometheusProcess(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    static Path binary() {
        String env = System.getenv("CAIRN_PROMETHEUS");
        Path p = Paths.get(env != null && !env.isEmpty() ? env : "/usr/bin/prometheus");
        if (!Files.isExecutable(p)) {
            throw new AssertionError("prometheus not found at " + p + "; install it with `apt-get install prometheus`"
                    + " or point CAIRN_PROMETHEUS at a Prometheus 2.x binary");
        }
        return p;
    }

    /** Starts Prometheus in {@code workDir} and waits until it is ready (at most 60 s). */
    static PrometheusProcess start(Path workDir) throws IOException, InterruptedException {
        Path bin = binary();
        int port = freePort();
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "scrape_configs:",
                "  - job_name: self",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + port + "']",
                ""), StandardCharsets.UTF_8);
        Path data = workDir.resolve("data");
        Path log = workDir.resolve("prometheus.log");
        Process p = new ProcessBuilder(List.of(bin.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-admin-api"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        PrometheusProcess prom = new PrometheusProcess(p, port, data, log);
        try {
            prom.awaitReady(Duration.ofSeconds(60));
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            prom.close();
            throw e;
        }
        return prom;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Its base URL, {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (request("GET", "/-/ready").startsWith("200")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus not ready after " + timeout + ":\n" + Files.readString(log));
    }

    /** Waits until the self-scrape has stored at least {@code samples} samples of {@code up} (bounded). */
    void awaitScrapes(int samples, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern count = Pattern.compile("\"value\":\\[[0-9.]+,\"(\\d+)\"\\]");
        while (System.nanoTime() < deadline) {
            String body = request("GET", "/api/v1/query?query=count_over_time(up%5B1h%5D)");
            Matcher m = count.matcher(body);
            if (m.find() && Integer.parseInt(m.group(1)) >= samples) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("prometheus did not scrape itself " + samples + " times within " + timeout);
    }

    /** POST /api/v1/admin/tsdb/snapshot: writes the head and all blocks to {@code data/snapshots/<name>}. */
    Path snapshot() throws IOException {
        String resp = request("POST", "/api/v1/admin/tsdb/snapshot");
        Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(resp);
        if (!resp.startsWith("200") || !m.find()) {
            throw new AssertionError("snapshot failed: " + resp);
        }
        return dataDir.resolve("snapshots").resolve(m.group(1));
    }

    /** "STATUS body". */
    private String request(String method, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(2000);
        c.setReadTimeout(10000);
        int status = c.getResponseCode();
        byte[] body = (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
        c.disconnect();
        return status + " " + new String(body, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** SIGTERM to our process (by its PID), then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
