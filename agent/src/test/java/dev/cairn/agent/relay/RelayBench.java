package dev.cairn.agent.relay;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.agent.AgentMain;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xerial.snappy.Snappy;

/**
 * Relay throughput and memory as deployed: the agent ({@link AgentMain}) runs as a child JVM with
 * the packaged unit's JVM options, pinned to ONE core ({@code taskset -c 1}); this JVM (best pinned
 * to the other core) is the load generator (remote write 1.0, {@code series} series per request,
 * pre-encoded so it costs little, {@code senders} connections) and a null downstream (reads the
 * body, answers 204). Prints samples/s accepted (204, fsynced) and forwarded, from the agent's
 * own /metrics; the agent's CPU time and samples per CPU second (the figure the machine's other
 * load does not move); and the agent's RSS.
 *
 * <pre>
 * mvn -q -pl agent -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * taskset -c 0 java -Xmx1g -cp agent/target/test-classes:agent/target/classes:storeapi/target/classes:tsdb/target/classes:$(cat /tmp/cp.txt) \
 *     dev.cairn.agent.relay.RelayBench [seconds=20] [senders=8] [series=500] ['agent JVM options' or ''] [warmup_s=30]
 * </pre>
 */
public final class RelayBench {
    /** packaging/src/pkg/agent/cairn-agent.default */
    static final String PACKAGED_JAVA_OPTS = "-Xms128m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";

    private RelayBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int senders = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int series = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        String javaOpts = args.length > 3 && !args[3].isBlank() ? args[3] : PACKAGED_JAVA_OPTS;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        sink.setExecutor(Executors.newFixedThreadPool(8));
        sink.createContext("/api/v1/write", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        sink.start();
        Path dir = Files.createTempDirectory("relay-bench");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("agent.yaml"), "data_dir: " + dir.resolve("agent") + "\n"
                + "appliance:\n  url: http://127.0.0.1:" + sink.getAddress().getPort() + "/api/v1/write\n"
                + "relay:\n  listen_address: 127.0.0.1:" + port + "\n  max_queue_bytes: 4GiB\n"
                + "  queue_config:\n    min_shards: 4\n    max_shards: 200\n");
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            cmd.addAll(List.of("/usr/bin/taskset", "-c", "1"));
        } else {
            System.err.println("relay bench: no taskset; the agent is NOT pinned to one core");
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                "--config", config.toString()));
        Path log = dir.resolve("agent.log");
        Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitReady(client, base, agent, log);
            URI url = URI.create(base + "/api/v1/write");
            LoadGenerator gen = new LoadGenerator(series, System.currentTimeMillis(), "bench");
            byte[][] bodies = new byte[64][];
            for (int i = 0; i < bodies.length; i++) {
                bodies[i] = Snappy.compress(gen.request(i).toByteArray());
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int k = s;
                Thread t = new Thread(() -> {
                    int i = k;
                    while (!stop.get()) {
                        try {
                            client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/x-protobuf")
                                    .header("Content-Encoding", "snappy")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[i++ % bodies.length])).build(),
                                    HttpResponse.BodyHandlers.discarding());
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            // Warm-up: on the one pinned core the C2 compiler takes 20-30 s (at 5 s it still used
            // half the agent's CPU), and an agent runs for days; also resharding.
            Thread.sleep(warmup * 1000L);
            double[] m0 = metrics(client, base);
            double cpu0 = cpuSeconds(agent.pid());
            double sys0 = sysSeconds(agent.pid());
            long t0 = System.nanoTime();
            long maxRss = 0;
            long deadline = t0 + seconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                Thread.sleep(250);
                maxRss = Math.max(maxRss, rssKib(agent.pid()));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double[] m1 = metrics(client, base);
            double cpu = cpuSeconds(agent.pid()) - cpu0;
            double sys = sysSeconds(agent.pid()) - sys0;
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            double in = m1[0] - m0[0];
            double out = m1[1] - m0[1];
            System.out.printf("relay bench: agent pinned to one core, JVM %s; %d senders, %d series/request, warm-up %d s, %.0f s: "
                    + "accepted %.0f samples/s, forwarded %.0f samples/s, agent CPU %.1f s (%.1f s system) = %.0f%% of a core, "
                    + "%.0f samples accepted per CPU second; shards %.0f; RSS max %d MiB, now %d MiB%n",
                    javaOpts, senders, series, warmup, secs, in / secs, out / secs, cpu, sys, 100 * cpu / secs, in / cpu, m1[2],
                    maxRss >> 10, rssKib(agent.pid()) >> 10);
        } finally {
            agent.destroy();
            if (!agent.waitFor(60, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
                agent.waitFor(20, TimeUnit.SECONDS);
            }
            sink.stop(0);
            ((java.util.concurrent.ExecutorService) sink.getExecutor()).shutdownNow();
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void awaitReady(HttpClient client, String base, Process agent, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("the agent exited with " + agent.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent was not ready within 60 s: " + Files.readString(log));
    }

    /** {samples received, samples sent, shards} from the agent's /metrics. */
    private static double[] metrics(HttpClient client, String base) throws Exception {
        String text = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double[] out = new double[3];
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "cairn_relay_samples_received_total" -> out[0] = Double.parseDouble(f[1]);
                case "cairn_relay_samples_sent_total" -> out[1] = Double.parseDouble(f[1]);
                case "cairn_relay_shards" -> out[2] = Double.parseDouble(f[1]);
                default -> { }
            }
        }
        return out;
    }

    private static long rssKib(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Kernel time alone (fsync, sockets). */
    private static double sysSeconds(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[12]) / 100.0;
    }

    private static double cpuSeconds(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}
