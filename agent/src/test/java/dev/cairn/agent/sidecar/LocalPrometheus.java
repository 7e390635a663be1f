package dev.cairn.agent.sidecar;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code /usr/bin/prometheus} on 127.0.0.1 and a free port, with its own data directory. A
 * missing binary fails the test; close() stops our process (SIGTERM, then SIGKILL) by its handle.
 */
final class LocalPrometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    final Path dataDir;
    final int port;
    private final Process process;

    /** {@code ${PORT}} in {@code config} stands for the server's own port. */
    LocalPrometheus(Path dir, String config, String... extraFlags) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package; the "
                    + "sidecar tests run against it");
        }
        Files.createDirectories(dir);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        dataDir = Files.createDirectories(dir.resolve("data"));
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config.replace("${PORT}", Integer.toString(port)));
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dataDir, "--web.listen-address=127.0.0.1:" + port));
        cmd.addAll(List.of(extraFlags));
        Path log = dir.resolve("prometheus.log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
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
        close();
        throw new IllegalStateException("prometheus on port " + port + " not ready in 30 s: " + Files.readString(log));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
