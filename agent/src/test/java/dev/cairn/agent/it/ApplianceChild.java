package dev.cairn.agent.it;

import dev.cairn.appliance.ApplianceMain;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real appliance ({@link ApplianceMain}) as a child JVM on this module's test classpath, on one
 * data directory and one HTTP port (127.0.0.1, chosen free once) for its whole life, so it can be
 * stopped by SIGTERM or SIGKILL to its PID and started again where the agent expects it. StoreAPI on
 * an ephemeral port; the agents' HTTPS port stays off (the relay writes plain HTTP on loopback).
 */
final class ApplianceChild implements AutoCloseable {
    private final Path dataDir;
    private final Path logDir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    ApplianceChild(Path dataDir, Path logDir) throws IOException {
        this.dataDir = Files.createDirectories(dataDir);
        this.logDir = Files.createDirectories(logDir);
        this.port = PromPeer.freePort();
    }

    /** Starts the JVM and returns once {@code /-/ready} answers 200 (WAL replayed); at most 90 s. */
    ApplianceChild start() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException(java + " is missing: cannot start the appliance as a child JVM");
        }
        Path log = logDir.resolve("appliance-" + starts++ + ".log");
        process = new ProcessBuilder(List.of(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ApplianceMain.class.getName(), "--data-dir", dataDir.toString(),
                "--http-address", "127.0.0.1:" + port, "--grpc-address", "127.0.0.1:0"))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the appliance exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the appliance on port " + port + " was not ready in 90 s: " + Files.readString(log));
    }

    private Path log() {
        return logDir.resolve("appliance-" + Math.max(0, starts - 1) + ".log");
    }

    /** SIGTERM to its PID (a clean stop: the head is flushed to the WAL); fails if it takes over 60 s. */
    void terminate() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the appliance (pid " + process.pid() + ") did not stop within 60 s of SIGTERM: "
                    + Files.readString(log()));
        }
    }

    /** SIGKILL to its PID: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the appliance (pid " + process.pid() + ") survived SIGKILL for 20 s");
        }
    }

    /** The data directory; the head's WAL is under {@code receive/}. */
    Path dataDir() {
        return dataDir;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Where an agent remote-writes (plain HTTP: loopback). */
    URI writeUrl() {
        return uri("/api/v1/write");
    }

    /** One unlabelled sample of the appliance's /metrics, e.g. {@code cairn_receive_samples_ingested_total}. */
    double metric(String name) throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            throw new AssertionError(name + " missing from the appliance's /metrics:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
