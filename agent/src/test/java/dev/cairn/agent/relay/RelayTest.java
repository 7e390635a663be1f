package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {
    @TempDir
    Path dir;

    static AgentConfig config(Path dir, URI downstream, long budget) {
        AgentConfig d = AgentConfig.defaults();
        AgentConfig.QueueConfig q = d.relay().queue().withBatch(500, Duration.ofMillis(50))
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(200));
        return d.withDataDir(dir).withAppliance(new AgentConfig.ApplianceConfig(downstream, false, null))
                .withRelay(d.relay().withListen("127.0.0.1", 0).withMaxQueueBytes(budget).withQueue(q));
    }

    static URI writeUrl(Relay r) {
        return URI.create("http://127.0.0.1:" + r.address().getPort() + "/api/v1/write");
    }

    static void await(String what, long millis, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void relay_acknowledgedSamples_allArriveWithTheirValues() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            LoadGenerator gen = new LoadGenerator(10, 1_700_000_000_000L, "a");
            for (int i = 0; i < 200; i++) {
                assertTrue(gen.send(writeUrl(relay), i), "request " + i + " refused");
            }
            await("2000 samples downstream", 20_000, () -> rx.distinct() == 2000);
            assertEquals(gen.acked, rx.values);
            assertEquals(0, rx.conflicts.get());
            assertEquals(2000, relay.metrics().samplesIn());
        }
    }

    @Test
    void downstream4xx_isDroppedCountedAndNotRetried() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            rx.status = () -> 400;
            LoadGenerator gen = new LoadGenerator(10, 1_700_000_000_000L, "b");
            for (int i = 0; i < 5; i++) {
                assertTrue(gen.send(writeUrl(relay), i));
            }
            await("50 samples dropped as rejected", 10_000, () -> relay.metrics().samplesDroppedRejected() == 50);
            int attempts = rx.requests.get();
            Thread.sleep(500);
            assertEquals(attempts, rx.requests.get(), "a 400 must not be retried");
            assertTrue(attempts <= 5, "50 samples fit in at most 5 requests, saw " + attempts);
            assertEquals(0, relay.metrics().samplesRetried());
            assertEquals(0, rx.distinct());
        }
    }

    @Test
    void downstream5xxAnd429_areRetriedUntilTaken() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            AtomicInteger n = new AtomicInteger();
            rx.status = () -> {
                int k = n.incrementAndGet();
                return k <= 3 ? 503 : k <= 6 ? 429 : 0;
            };
            LoadGenerator gen = new LoadGenerator(10, 1_700_000_000_000L, "c");
            for (int i = 0; i < 20; i++) {
                assertTrue(gen.send(writeUrl(relay), i));
            }
            await("200 samples downstream", 20_000, () -> rx.distinct() == 200);
            assertEquals(gen.acked, rx.values);
            assertTrue(relay.metrics().samplesRetried() > 0);
            assertEquals(0, relay.metrics().samplesDroppedRejected());
        }
    }

    @Test
    void restart_resumesAfterTheAcknowledgedPosition() throws Exception {
        LoadGenerator gen = new LoadGenerator(5, 1_700_000_000_000L, "d");
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            for (int i = 0; i < 50; i++) {
                assertTrue(gen.send(writeUrl(relay), i));
            }
            await("250 samples downstream", 20_000, () -> rx.distinct() == 250);
        }
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            for (int i = 50; i < 60; i++) {
                assertTrue(gen.send(writeUrl(relay), i));
            }
            await("the 50 new samples downstream", 20_000, () -> rx.distinct() == 50);
            Thread.sleep(300);
            assertEquals(50, rx.samplesTaken.get(), "after a clean stop nothing acknowledged is sent again");
        }
    }

    @Test
    void diskBudgetExceeded_dropsOldestCountsLogsAndKeepsAccepting() throws Exception {
        List<String> warnings = new ArrayList<>();
        Logger jul = Logger.getLogger(Forwarder.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (warnings) {
                        warnings.add(new java.util.logging.SimpleFormatter().formatMessage(r));
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        long budget = 4L << 20;
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), budget)).start()) {
            rx.status = () -> 503; // the appliance is down
            LoadGenerator gen = new LoadGenerator(400, 1_700_000_000_000L, "e");
            int sent = 0;
            for (int i = 0; i < 400; i++) { // ~400 × 33 KB ≈ 13 MB, three times the budget
                assertTrue(gen.send(writeUrl(relay), i), "the relay must keep accepting over budget");
                sent++;
            }
            await("samples dropped over budget", 20_000, () -> relay.metrics().samplesDroppedBudget() > 0);
            await("queue back within budget", 20_000, () -> relay.metrics().queueBytes() <= budget);
            rx.status = () -> 0;
            long total = (long) sent * 400;
            await("every sample delivered or counted as dropped", 30_000,
                    () -> rx.distinct() + relay.metrics().samplesDroppedBudget() == total);
            Thread.sleep(300);
            assertEquals(total, rx.distinct() + relay.metrics().samplesDroppedBudget());
            assertEquals(0, rx.conflicts.get());
            assertTrue(rx.distinct() > 0);
            // the oldest went: the newest request is there in full
            for (int s = 0; s < 400; s++) {
                assertTrue(rx.values.containsKey("{__name__=\"load_test\",run=\"e\",series=\"" + s + "\",}@"
                        + (1_700_000_000_000L + sent - 1)));
            }
            synchronized (warnings) {
                assertTrue(warnings.stream().anyMatch(w -> w.contains("RELAY QUEUE OVER BUDGET") && w.contains("dropped")),
                        "no loud log line: " + warnings);
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + relay.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("cairn_relay_samples_dropped_total{reason=\"disk_budget\"} "
                    + relay.metrics().samplesDroppedBudget() + "\n"), metrics);
        } finally {
            jul.removeHandler(h);
        }
    }

    static String metricsText(Relay relay) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + relay.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void metricsEndpoint_rendersCountersInTextFormat() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            LoadGenerator gen = new LoadGenerator(3, 1_700_000_000_000L, "f");
            for (int i = 0; i < 4; i++) {
                assertTrue(gen.send(writeUrl(relay), i));
            }
            await("12 samples downstream", 10_000, () -> relay.metrics().samplesOut() == 12);
            // the gauges are refreshed by the maintenance loop every 200 ms
            await("pending gauge back to 0", 5_000, () -> metricsText(relay).contains("\ncairn_relay_pending_samples 0\n"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + relay.address().getPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = r.body();
            assertTrue(body.contains("# TYPE cairn_relay_samples_received_total counter\ncairn_relay_samples_received_total 12\n"), body);
            assertTrue(body.contains("\ncairn_relay_samples_sent_total 12\n"), body);
            assertTrue(body.contains("\ncairn_relay_shards 1\n"), body);
            assertTrue(body.contains("\ncairn_relay_oldest_unsent_sample_age_seconds 0\n"), body);
        }
    }

    @Test
    void slowDownstream_addsShardsWithinMaxShards() throws Exception {
        try (TestReceiver rx = new TestReceiver()) {
            rx.status = () -> {
                try {
                    Thread.sleep(25); // a downstream that takes 25 ms per request whatever its size
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            };
            AgentConfig c = config(dir, rx.url(), 1L << 30);
            c = c.withRelay(c.relay().withQueue(c.relay().queue().withShards(1, 6).withBatch(100, Duration.ofMillis(50))));
            try (Relay relay = new Relay(c).start()) {
                LoadGenerator gen = new LoadGenerator(100, 1_700_000_000_000L, "g");
                long deadline = System.nanoTime() + 25_000_000_000L;
                int i = 0;
                while (relay.metrics().shards() == 1 && System.nanoTime() < deadline && i < 20_000) {
                    assertTrue(gen.send(writeUrl(relay), i++));
                    Thread.sleep(8); // about 10k samples/s: more than one shard's 4k/s, well within six shards
                }
                int shards = relay.metrics().shards();
                assertTrue(shards > 1 && shards <= 6, "one shard sends 4000 samples/s here; the load needs about three, got "
                        + shards);
                final int sent = i;
                await("all samples downstream after resharding", 30_000, () -> rx.distinct() == sent * 100);
                assertEquals(gen.acked, rx.values);
            }
        }
    }

    @Test
    void remoteWrite2Request_isQueuedAndForwardedAs1() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            dev.cairn.storeapi.pb.writev2.Request req = dev.cairn.storeapi.pb.writev2.Request.newBuilder()
                    .addAllSymbols(List.of("", "__name__", "up", "job", "v2"))
                    .addTimeseries(dev.cairn.storeapi.pb.writev2.TimeSeries.newBuilder()
                            .addAllLabelsRefs(List.of(1, 2, 3, 4))
                            .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(5000).setValue(1))
                            .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(6000).setValue(2.5)))
                    .build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(writeUrl(relay))
                    .header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
                    .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "2.0.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(org.xerial.snappy.Snappy.compress(req.toByteArray())))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, r.statusCode(), r.body());
            assertEquals("2", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(""));
            await("both samples downstream", 10_000, () -> rx.distinct() == 2);
            assertEquals(Double.doubleToRawLongBits(1), rx.values.get("{__name__=\"up\",job=\"v2\",}@5000"));
            assertEquals(Double.doubleToRawLongBits(2.5), rx.values.get("{__name__=\"up\",job=\"v2\",}@6000"));
        }
    }

    @Test
    void malformedRequest_is400AndNotQueued() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(writeUrl(relay))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3, 4, 5})).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), r.body());
            r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(writeUrl(relay))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(415, r.statusCode(), r.body());
            assertEquals(0, relay.metrics().samplesIn());
            assertEquals(0, rx.requests.get());
        }
    }

    /**
     * What the fast path does not take (an invalid series, a UTF-8 value) goes through the storeapi
     * decoder: the invalid series is refused with its reason (400), the valid ones of the same
     * request, UTF-8 included, are queued and forwarded.
     */
    @Test
    void requestTheFastPathLeaves_isJudgedByTheDecoder_validSeriesForwarded() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 1L << 30)).start()) {
            var ok = dev.cairn.storeapi.pb.prometheus.TimeSeries.newBuilder()
                    .addLabels(dev.cairn.storeapi.pb.prometheus.Label.newBuilder().setName("__name__").setValue("up"))
                    .addLabels(dev.cairn.storeapi.pb.prometheus.Label.newBuilder().setName("city").setValue("Zürich"))
                    .addSamples(dev.cairn.storeapi.pb.prometheus.Sample.newBuilder().setTimestamp(1000).setValue(1));
            var bad = dev.cairn.storeapi.pb.prometheus.TimeSeries.newBuilder()
                    .addLabels(dev.cairn.storeapi.pb.prometheus.Label.newBuilder().setName("__name__").setValue("up"))
                    .addLabels(dev.cairn.storeapi.pb.prometheus.Label.newBuilder().setName("bad-name").setValue("x"))
                    .addSamples(dev.cairn.storeapi.pb.prometheus.Sample.newBuilder().setTimestamp(1000).setValue(2));
            byte[] body = org.xerial.snappy.Snappy.compress(dev.cairn.storeapi.pb.prometheus.WriteRequest.newBuilder()
                    .addTimeseries(ok).addTimeseries(bad).build().toByteArray());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(writeUrl(relay))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("invalid label name") && r.body().contains("bad-name"), r.body());
            await("the valid series downstream", 10_000, () -> rx.distinct() == 1);
            assertEquals(Double.doubleToRawLongBits(1), rx.values.get("{__name__=\"up\",city=\"Zürich\",}@1000"));
            assertEquals(1, relay.metrics().samplesIn());
        }
    }

    @Test
    void forwardedSegments_areDeleted() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(dir, rx.url(), 4L << 20)).start()) {
            LoadGenerator gen = new LoadGenerator(200, 1_700_000_000_000L, "h");
            for (int i = 0; i < 150; i++) { // ~2.5 MB: about ten 256 KiB segments
                assertTrue(gen.send(writeUrl(relay), i));
            }
            await("all samples downstream", 20_000, () -> rx.distinct() == 150 * 200);
            await("forwarded segments deleted", 5_000, () -> segmentFiles(dir.resolve("queue")) <= 2);
            assertTrue(relay.metrics().queueBytes() <= 512 << 10, "queue bytes " + relay.metrics().queueBytes());
            assertEquals(0, relay.metrics().samplesDroppedBudget());
        }
    }

    static long segmentFiles(Path queue) {
        try (var s = java.nio.file.Files.list(queue)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{8}")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
