package dev.cairn.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Debian {@code /usr/bin/prometheus} (2.42) on 127.0.0.1, scraping itself every second and remote-writing
 * to a given URL. A missing binary fails the test. {@link #close()} stops exactly this process by its PID.
 */
final class PromRemoteWriter implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PromRemoteWriter(Path dir, URI remoteWrite) throws IOException, InterruptedException {
        Path bin = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(bin)) {
            throw new AssertionError(bin + " is missing: apt-get install prometheus (Debian's 2.42); this test must"
                    + " not pass without it");
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                remote_write:
                  - url: %s
                    queue_config: {batch_send_deadline: 1s, min_backoff: 30ms, max_backoff: 1s}
                """.formatted(port, remoteWrite));
        log = dir.resolve("prometheus.log");
        process = new ProcessBuilder(List.of(bin.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new AssertionError("prometheus not ready within 60 s:\n" + Files.readString(log));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
