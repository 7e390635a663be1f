package dev.cairn.appliance.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Debian Prometheus (/usr/bin/prometheus) on 127.0.0.1, with its own data directory and
 * port. Missing binary: the test fails, it does not skip.
 */
final class PrometheusProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    final int port;
    final Path log;
    private final Process process;

    PrometheusProcess(Path dir, String configYaml, int port) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install Debian's prometheus package (scripts/install-deps.sh)");
        }
        this.port = port;
        Path config = Files.writeString(dir.resolve("prometheus.yml"), configYaml);
        this.log = dir.resolve("prometheus.log");
        List<String> cmd = List.of(BINARY.toString(), "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data"));
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Http.awaitOk(url() + "/-/ready", Duration.ofSeconds(30), process);
    }

    String url() {
        return "http://127.0.0.1:" + port;
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
