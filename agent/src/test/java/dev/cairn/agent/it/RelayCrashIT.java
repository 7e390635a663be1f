package dev.cairn.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.AgentMain;
import dev.cairn.agent.relay.LoadGenerator;
import dev.cairn.agent.relay.TestReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay as its own JVM ({@link AgentMain}), SIGKILLed again and again while a load generator
 * writes to it: every sample whose request was answered 204 must reach the downstream at least
 * once, and a sample that arrives twice must arrive with the same value.
 */
class RelayCrashIT {
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Process startRelay(int port, URI downstream, Path data, int round) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException(java + " is missing: cannot start the relay as a child JVM");
        }
        List<String> cmd = List.of(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(), "--appliance", downstream.toString(), "--data-dir", data.toString(),
                "--relay-address", "127.0.0.1:" + port);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("relay-" + round + ".log").toFile()).start();
    }

    private void awaitReady(Process p, int port, int round) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("relay exited with " + p.exitValue() + ": "
                        + Files.readString(dir.resolve("relay-" + round + ".log")));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet listening
            }
            Thread.sleep(50);
        }
        throw new AssertionError("relay not ready in 30 s: " + Files.readString(dir.resolve("relay-" + round + ".log")));
    }

    @Test
    void sigkillUnderLoad_noAcknowledgedSampleIsLost_duplicatesAreIdentical() throws Exception {
        try (TestReceiver rx = new TestReceiver()) {
            int port = PromPeer.freePort();
            URI relayUrl = URI.create("http://127.0.0.1:" + port + "/api/v1/write");
            Path data = dir.resolve("agent");
            LoadGenerator gen = new LoadGenerator(50, 1_700_000_000_000L, "crash");
            AtomicLong next = new AtomicLong();
            Random rnd = new Random(7);
            for (int round = 0; round < ROUNDS; round++) {
                Process relay = startRelay(port, rx.url(), data, round);
                try {
                    awaitReady(relay, port, round);
                    AtomicBoolean stop = new AtomicBoolean();
                    List<Thread> load = new ArrayList<>();
                    for (int w = 0; w < 4; w++) {
                        Thread t = new Thread(() -> {
                            try {
                                for (int n = 0; n < 50_000 && !stop.get(); n++) {
                                    gen.send(relayUrl, next.getAndIncrement());
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        t.start();
                        load.add(t);
                    }
                    Thread.sleep(700 + rnd.nextInt(1500));
                    relay.destroyForcibly(); // SIGKILL to this PID
                    assertTrue(relay.waitFor(10, TimeUnit.SECONDS));
                    stop.set(true);
                    for (Thread t : load) {
                        t.join(15_000);
                    }
                } finally {
                    relay.destroyForcibly();
                }
            }
            assertTrue(gen.ackedSamples.get() > 10_000, "too little load to mean anything: " + gen.ackedSamples.get());
            // A last, undisturbed run drains the queue; then a clean stop (SIGTERM).
            Process relay = startRelay(port, rx.url(), data, ROUNDS);
            try {
                awaitReady(relay, port, ROUNDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!rx.values.keySet().containsAll(gen.acked.keySet()) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                relay.destroy();
                assertTrue(relay.waitFor(20, TimeUnit.SECONDS), "the relay did not stop on SIGTERM");
            } finally {
                relay.destroyForcibly();
            }
            long missing = 0;
            for (Map.Entry<String, Long> e : gen.acked.entrySet()) {
                Long got = rx.values.get(e.getKey());
                if (got == null) {
                    missing++;
                } else {
                    assertEquals(e.getValue(), got, "value of " + e.getKey());
                }
            }
            assertEquals(0, missing, "acknowledged samples missing downstream, of " + gen.acked.size());
            assertEquals(0, rx.conflicts.get(), "a (series, timestamp) arrived with two different values");
            long dups = rx.counts.values().stream().filter(c -> c > 1).count();
            System.out.printf("relay crash test: %d acknowledged samples over %d SIGKILLs, %d received, "
                    + "%d (series,t) received more than once (identical values), %d failed requests%n",
                    gen.acked.size(), ROUNDS, rx.samplesTaken.get(), dups, gen.failedRequests.get());
        }
    }
}
