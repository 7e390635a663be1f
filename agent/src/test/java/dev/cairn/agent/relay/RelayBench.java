package dev.cairn.agent.relay;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.agent.config.AgentConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * Relay throughput on this machine: a local load generator (remote write 1.0, {@code SERIES} series
 * per request, pre-encoded so the generator costs little) writes to an in-process relay whose
 * downstream is a null receiver (reads the body, answers 204). Prints samples/s accepted (204,
 * fsynced) and forwarded, and the process RSS (generator, relay and receiver share the JVM).
 *
 * <pre>
 * mvn -q -pl agent -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Xmx1g -cp agent/target/test-classes:agent/target/classes:storeapi/target/classes:tsdb/target/classes:$(cat /tmp/cp.txt) \
 *     dev.cairn.agent.relay.RelayBench [seconds=20] [senders=8] [series=500]
 * </pre>
 */
public final class RelayBench {
    private RelayBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int senders = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int series = args.length > 2 ? Integer.parseInt(args[2]) : 500;
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
        AgentConfig d = AgentConfig.defaults();
        AgentConfig cfg = d.withDataDir(dir)
                .withAppliance(new AgentConfig.ApplianceConfig(URI.create("http://127.0.0.1:"
                        + sink.getAddress().getPort() + "/api/v1/write"), false, null))
                .withRelay(d.relay().withListen("127.0.0.1", 0).withMaxQueueBytes(4L << 30)
                        .withQueue(d.relay().queue().withShards(4, 200)));
        try (Relay relay = new Relay(cfg).start()) {
            URI url = URI.create("http://127.0.0.1:" + relay.address().getPort() + "/api/v1/write");
            LoadGenerator gen = new LoadGenerator(series, System.currentTimeMillis(), "bench");
            byte[][] bodies = new byte[64][];
            for (int i = 0; i < bodies.length; i++) {
                bodies[i] = Snappy.compress(gen.request(i).toByteArray());
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong accepted = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int k = s;
                Thread t = new Thread(() -> {
                    int i = k;
                    while (!stop.get()) {
                        try {
                            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/x-protobuf")
                                    .header("Content-Encoding", "snappy")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[i++ % bodies.length])).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (r.statusCode() == 204) {
                                accepted.addAndGet(series);
                            }
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            Thread.sleep(3000); // warm-up
            long in0 = relay.metrics().samplesIn();
            long out0 = relay.metrics().samplesOut();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double secs = (System.nanoTime() - t0) / 1e9;
            long in = relay.metrics().samplesIn() - in0;
            long out = relay.metrics().samplesOut() - out0;
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            System.out.printf("relay bench: %d senders, %d series/request, %.0f s: accepted %.0f samples/s, "
                    + "forwarded %.0f samples/s, shards %d, queue %d bytes, RSS %d MiB (whole JVM), heap used %d MiB%n",
                    senders, series, secs, in / secs, out / secs, relay.metrics().shards(),
                    relay.metrics().queueBytes(), rssKib() / 1024,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        } finally {
            sink.stop(0);
            ((java.util.concurrent.ExecutorService) sink.getExecutor()).shutdownNow();
        }
    }

    private static long rssKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
