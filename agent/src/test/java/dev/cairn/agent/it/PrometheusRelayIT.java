package dev.cairn.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.relay.LoadGenerator;
import dev.cairn.agent.relay.Relay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay between two real Prometheus servers: A scrapes itself every second and remote-writes
 * to the relay; the relay forwards to B, a plain Prometheus with the remote-write receiver on.
 * What A has must be in B, sample for sample.
 */
class PrometheusRelayIT {
    @TempDir
    Path dir;

    static final String RECEIVER = "global: {scrape_interval: 1m}\nscrape_configs: []\n";

    static String scraper(int relayPort) {
        return """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:${PORT}']}]
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    queue_config: {batch_send_deadline: 1s, min_backoff: 30ms, max_backoff: 1s}
                """.formatted(relayPort);
    }

    static AgentConfig relayConfig(Path dir, int downstreamPort) {
        AgentConfig d = AgentConfig.defaults();
        AgentConfig.QueueConfig q = d.relay().queue().withBatch(500, Duration.ofMillis(200))
                .withBackoff(Duration.ofMillis(30), Duration.ofSeconds(1));
        return d.withDataDir(dir)
                .withAppliance(new AgentConfig.ApplianceConfig(
                        URI.create("http://127.0.0.1:" + downstreamPort + "/api/v1/write"), false, null))
                .withRelay(d.relay().withListen("127.0.0.1", 0).withQueue(q));
    }

    /** Waits until B answers {@code query} at {@code t} exactly as A does; fails with the difference. */
    static void assertSame(PromPeer a, PromPeer b, String query, double t, long waitMillis) throws Exception {
        Map<String, Map<Long, String>> want = a.rangeSamples(query, t);
        assertFalse(want.isEmpty(), "A has no samples for " + query);
        long deadline = System.currentTimeMillis() + waitMillis;
        Map<String, Map<Long, String>> got = b.rangeSamples(query, t);
        while (!want.equals(got) && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            got = b.rangeSamples(query, t);
        }
        assertEquals(want, got, "B differs from A for " + query + " at " + t);
    }

    @Test
    void prometheusThroughRelay_everySampleArrivesWithItsValue() throws Exception {
        try (PromPeer b = new PromPeer(dir.resolve("b"), RECEIVER, "--web.enable-remote-write-receiver");
                Relay relay = new Relay(relayConfig(dir.resolve("agent"), b.port())).start();
                PromPeer a = new PromPeer(dir.resolve("a"), scraper(relay.address().getPort()))) {
            Thread.sleep(15_000);
            double t = System.currentTimeMillis() / 1000.0 - 3;
            assertSame(a, b, "up[1m]", t, 20_000);
            assertSame(a, b, "prometheus_tsdb_head_series[1m]", t, 20_000);
            assertSame(a, b, "prometheus_http_requests_total[1m]", t, 20_000);
            assertTrue(relay.metrics().samplesIn() > 0);
            assertEquals(0, relay.metrics().samplesDroppedRejected());
        }
    }

    @Test
    void downstreamStoppedUnderLoad_nothingMissingAfterItsReturn() throws Exception {
        try (PromPeer b = new PromPeer(dir.resolve("b"), RECEIVER, "--web.enable-remote-write-receiver");
                Relay relay = new Relay(relayConfig(dir.resolve("agent"), b.port())).start();
                PromPeer a = new PromPeer(dir.resolve("a"), scraper(relay.address().getPort()))) {
            // extra load beside A's own remote write: 20 series, a request every 10 ms, for the whole test
            long t0 = System.currentTimeMillis() - 120_000;
            LoadGenerator gen = new LoadGenerator(20, t0, "outage");
            URI relayUrl = URI.create("http://127.0.0.1:" + relay.address().getPort() + "/api/v1/write");
            AtomicBoolean stopLoad = new AtomicBoolean();
            Thread load = new Thread(() -> {
                try {
                    for (int i = 0; i < 6000 && !stopLoad.get(); i++) {
                        gen.send(relayUrl, i);
                        Thread.sleep(10);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            load.start();
            Thread.sleep(5_000);
            b.stop();
            double stoppedAt = System.currentTimeMillis() / 1000.0;
            Thread.sleep(20_000);
            assertTrue(relay.metrics().samplesRetried() > 0, "the relay did not notice B was down");
            long inWhileDown = relay.metrics().samplesIn();
            stopLoad.set(true);
            load.join(10_000);
            b.start();
            long deadline = System.currentTimeMillis() + 60_000;
            while (relay.metrics().samplesOut() < inWhileDown && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(relay.metrics().samplesOut() >= inWhileDown, "queue not drained: in " + inWhileDown
                    + ", out " + relay.metrics().samplesOut());
            double t = System.currentTimeMillis() / 1000.0 - 3;
            assertTrue(t - stoppedAt < 90);
            // [2m] covers the outage and the samples before and after it
            assertSame(a, b, "up[2m]", t, 30_000);
            assertSame(a, b, "prometheus_tsdb_head_series[2m]", t, 30_000);
            assertSame(a, b, "scrape_samples_scraped[2m]", t, 30_000);
            Map<String, Map<Long, String>> got = b.rangeSamples("load_test{run=\"outage\"}[10m]", t);
            long found = 0;
            for (Map<Long, String> samples : got.values()) {
                found += samples.size();
            }
            assertEquals(gen.acked.size(), found, "load samples in B");
            for (Map.Entry<String, Map<Long, String>> e : got.entrySet()) {
                String series = e.getKey().replaceAll(".*\"series\":\"(\\d+)\".*", "$1");
                String key = "{__name__=\"load_test\",run=\"outage\",series=\"" + series + "\",}@";
                for (Map.Entry<Long, String> sample : e.getValue().entrySet()) {
                    Long bits = gen.acked.get(key + sample.getKey());
                    assertTrue(bits != null, "B has a sample the relay never acknowledged: " + key + sample.getKey());
                    assertEquals(Double.longBitsToDouble(bits), Double.parseDouble(sample.getValue()));
                }
            }
            assertTrue(gen.ackedSamples.get() > 20_000, "load too small: " + gen.ackedSamples.get());
        }
    }
}
