package dev.cairn.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.relay.LoadGenerator;
import dev.cairn.agent.relay.Relay;
import dev.cairn.agent.relay.RelayMetrics;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's "the appliance stopped for several minutes under load, then started: no sample missing
 * afterwards; the queue drains at full speed", with the real pieces on 127.0.0.1: the Debian Prometheus
 * scrapes itself and a {@link SyntheticTarget} of 3,000 series every second and remote-writes to the
 * relay (in this JVM, default queue_config); a {@link LoadGenerator} adds its own stream; the relay
 * forwards to the appliance, a child JVM that is stopped (SIGTERM by default, {@code
 * -Dcairn.it.applianceStop=kill} for SIGKILL) for {@code -Dcairn.it.outageSeconds} (default 180) and
 * started again on the same port and data directory.
 *
 * <p>Afterwards the appliance holds exactly what Prometheus holds, series by series (sample counts for
 * every synthetic series, raw samples for every series of Prometheus's own), and every acknowledged
 * sample of the load generator with its value; and the backlog drained clearly faster than data
 * arrived. Figures are printed.
 */
class ApplianceOutageIT {
    private static final int OUTAGE_SECONDS = Integer.getInteger("cairn.it.outageSeconds", 180);
    private static final boolean KILL = "kill".equals(System.getProperty("cairn.it.applianceStop", "term"));
    private static final int SYNTHETIC_SERIES = 3000;
    private static final int LOAD_SERIES = 100;
    /** The backlog must drain at least this many times faster than data arrives. */
    private static final double MIN_DRAIN_OVER_LOAD = 3.0;
    /** Ten full batches (max_samples_per_send 500): more than the shards have in flight at a stop. */
    private static final long MAX_RESENT_AT_STOP = 5_000;

    @TempDir
    Path dir;

    private static String scraper(int targetPort, int relayPort) {
        return """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:${PORT}']}]
                  - job_name: synthetic
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                """.formatted(targetPort, relayPort);
    }

    @Test
    void applianceStoppedForMinutesUnderLoad_nothingMissing_backlogDrainsFast() throws Exception {
        long testStart = System.currentTimeMillis();
        try (ApplianceChild appliance = new ApplianceChild(dir.resolve("appliance"), dir).start();
                SyntheticTarget target = new SyntheticTarget(SYNTHETIC_SERIES);
                Relay relay = new Relay(relayConfig(dir.resolve("agent"), appliance.writeUrl())).start();
                PromPeer prometheus = new PromPeer(dir.resolve("prometheus"),
                        scraper(target.port(), relay.address().getPort()))) {
            RelayMetrics m = relay.metrics();
            // the extra load: LOAD_SERIES series, a request about every 10 ms, bounded in count and time
            LoadGenerator gen = new LoadGenerator(LOAD_SERIES, testStart, "outage", false);
            URI relayUrl = URI.create("http://127.0.0.1:" + relay.address().getPort() + "/api/v1/write");
            AtomicBoolean stopLoad = new AtomicBoolean();
            Thread load = new Thread(() -> {
                try {
                    for (long i = 0; i < 100_000 && !stopLoad.get(); i++) {
                        gen.send(relayUrl, i);
                        Thread.sleep(10);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load");
            load.start();
            try {
                Thread.sleep(10_000);
                // steady state: what arrives is forwarded as it arrives
                long out0 = m.samplesOut();
                long s0 = System.nanoTime();
                Thread.sleep(10_000);
                double steadyForward = (m.samplesOut() - out0) / secondsSince(s0);
                assertTrue(steadyForward > 0, "nothing forwarded before the outage");

                // the outage
                if (KILL) {
                    appliance.kill();
                } else {
                    appliance.terminate();
                }
                long outageStart = System.nanoTime();
                long inAtStop = m.samplesIn();
                long peakQueueBytes = 0;
                while (secondsSince(outageStart) < OUTAGE_SECONDS) {
                    peakQueueBytes = Math.max(peakQueueBytes, m.queueBytes());
                    Thread.sleep(500);
                }
                double arriving = (m.samplesIn() - inAtStop) / secondsSince(outageStart);
                assertTrue(m.samplesRetried() > 0, "the relay did not notice the appliance was down");
                assertTrue(load.isAlive(), "the load generator ended before the appliance came back");

                // back: the backlog is everything that arrived up to now
                appliance.start();
                double outageSeconds = secondsSince(outageStart);
                long backlogEnd = m.samplesIn();
                long outAtReady = m.samplesOut();
                long d0 = System.nanoTime();
                long deadline = d0 + TimeUnit.SECONDS.toNanos(Math.max(60, OUTAGE_SECONDS));
                while (m.samplesOut() < backlogEnd && System.nanoTime() < deadline) {
                    peakQueueBytes = Math.max(peakQueueBytes, m.queueBytes());
                    Thread.sleep(50);
                }
                double drainSeconds = secondsSince(d0);
                long drained = m.samplesOut() - outAtReady;
                assertTrue(m.samplesOut() >= backlogEnd, "backlog not drained in " + drainSeconds + " s: in "
                        + backlogEnd + ", out " + m.samplesOut());
                double drainRate = drained / drainSeconds;
                System.out.printf("appliance outage test: appliance stopped (%s) for %.1f s; steady forward rate "
                                + "%.0f samples/s; arriving during the outage %.0f samples/s; queue peak %d bytes; "
                                + "backlog of %d samples drained in %.1f s after the appliance was ready = %.0f samples/s "
                                + "(%.1fx the arrival rate), load generator %d samples acknowledged%n",
                        KILL ? "SIGKILL" : "SIGTERM", outageSeconds, steadyForward, arriving, peakQueueBytes,
                        drained, drainSeconds, drainRate, drainRate / arriving, gen.ackedSamples.get());
                assertTrue(peakQueueBytes > 0, "the queue never held anything");
                assertTrue(drainRate >= MIN_DRAIN_OVER_LOAD * arriving, "the backlog drained at " + drainRate
                        + " samples/s, not clearly faster than the " + arriving + " samples/s arriving");
            } finally {
                stopLoad.set(true);
                load.join(30_000);
            }

            // all forwarded: the relay has sent everything it took up to now (Prometheus keeps writing)
            long taken = m.samplesIn();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (m.samplesOut() < taken && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(m.samplesOut() >= taken, "in " + taken + ", out " + m.samplesOut());
            // A batch the appliance committed while it was stopping may lose its answer; the relay sends it again
            // and the appliance refuses what is older than the newest sample of a series (Prometheus's own
            // out-of-order rule): counted as dropped though the samples are there, as the checks below prove.
            // That can only be the few batches in flight at the stop.
            assertTrue(m.samplesDroppedRejected() <= MAX_RESENT_AT_STOP, "the appliance refused "
                    + m.samplesDroppedRejected() + " samples, more than were in flight when it stopped");
            assertEquals(0, m.samplesDroppedBudget(), "samples dropped for the disk budget");
            assertEquals(0, gen.failedRequests.get(), "load requests the relay did not acknowledge");

            // Prometheus's samples, scraped before, during and after the outage
            double t = System.currentTimeMillis() / 1000.0 - 10; // Prometheus has sent what it scraped by then
            String range = "[" + (long) Math.ceil(t - testStart / 1000.0 + 60) + "s]";
            long compared = assertSameEventually(prometheus.uri(""), appliance.uri(""),
                    "count_over_time(cairn_it_synthetic" + range + ")", t, true);
            assertEquals(SYNTHETIC_SERIES, compared, "synthetic series");
            long selfSamples = assertSameEventually(prometheus.uri(""), appliance.uri(""), "{job=\"self\"}" + range, t,
                    false);
            long exactSynthetic = assertSameEventually(prometheus.uri(""), appliance.uri(""),
                    "cairn_it_synthetic{idx=~\"0|1234|2999\"}" + range, t, false);
            long syntheticSamples = 0;
            for (String c : PromQuery.vector(appliance.uri(""), "count_over_time(cairn_it_synthetic" + range + ")", t)
                    .values()) {
                syntheticSamples += Long.parseLong(c);
            }

            // the load generator's acknowledged samples, each series with every acknowledged timestamp and value
            long loadSamples = assertLoadComplete(appliance.uri(""), gen);
            System.out.printf("appliance outage test: samples checked on the appliance: %d synthetic (counts per "
                            + "series, %d of them value by value), %d of Prometheus's own (value by value), "
                            + "%d from the load generator (count and sum per series); %d resent samples refused "
                            + "as out of order (already stored)%n",
                    syntheticSamples, exactSynthetic, selfSamples, loadSamples, m.samplesDroppedRejected());
            assertTrue(syntheticSamples >= (long) SYNTHETIC_SERIES * OUTAGE_SECONDS,
                    "fewer synthetic samples than the outage spans: " + syntheticSamples);
        }
    }

    static AgentConfig relayConfig(Path dataDir, URI appliance) {
        AgentConfig d = AgentConfig.defaults();
        return d.withDataDir(dataDir)
                .withAppliance(new AgentConfig.ApplianceConfig(appliance, false, null))
                .withRelay(d.relay().withListen("127.0.0.1", 0));
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /**
     * Waits (at most 60 s) until the appliance answers {@code query} at {@code t} exactly as Prometheus
     * does; fails with the first difference. Returns the number of series ({@code vector}) or samples compared.
     */
    private static long assertSameEventually(URI prometheus, URI appliance, String query, double t, boolean vector)
            throws Exception {
        Map<String, ?> want = vector ? PromQuery.vector(prometheus, query, t) : PromQuery.rangeSamples(prometheus, query, t);
        assertFalse(want.isEmpty(), "Prometheus has nothing for " + query);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, ?> got;
        while (true) {
            got = vector ? PromQuery.vector(appliance, query, t) : PromQuery.rangeSamples(appliance, query, t);
            if (want.equals(got) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(1000);
        }
        if (!want.equals(got)) {
            Map<String, String> diff = new TreeMap<>();
            for (String k : want.keySet()) {
                if (!want.get(k).equals(got.get(k)) && diff.size() < 5) {
                    diff.put(k, "Prometheus " + abbreviate(want.get(k)) + " / appliance " + abbreviate(got.get(k)));
                }
            }
            for (String k : got.keySet()) {
                if (!want.containsKey(k) && diff.size() < 10) {
                    diff.put(k, "only on the appliance");
                }
            }
            throw new AssertionError("the appliance differs from Prometheus for " + query + " at " + t + " ("
                    + want.size() + " series vs " + got.size() + "): " + diff);
        }
        if (vector) {
            return want.size();
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<Long, String>> samples = (Map<String, Map<Long, String>>) want;
        return PromQuery.count(samples);
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /**
     * Every series of the load generator holds exactly the acknowledged timestamps (count) with their
     * values (sum, exact: every value is a multiple of 0.25 far below 2^50), and two of them are compared
     * sample by sample. Returns the number of samples checked.
     */
    private static long assertLoadComplete(URI appliance, LoadGenerator gen) throws Exception {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (long i : gen.ackedRequests) {
            first = Math.min(first, i);
            last = Math.max(last, i);
        }
        double t = gen.timestamp(last) / 1000.0;
        String range = "[" + (gen.timestamp(last) - gen.timestamp(first) + 1) + "ms]";
        String sel = "load_test{run=\"" + gen.run() + "\"}";
        Map<String, String> counts = PromQuery.vector(appliance, "count_over_time(" + sel + range + ")", t);
        Map<String, String> sums = PromQuery.vector(appliance, "sum_over_time(" + sel + range + ")", t);
        assertEquals(gen.series(), counts.size(), "load series on the appliance: " + counts.keySet());
        long n = gen.ackedRequests.size();
        for (int s = 0; s < gen.series(); s++) {
            String k = "{run=\"" + gen.run() + "\",series=\"" + s + "\"}";
            assertEquals(n, Long.parseLong(counts.get(k)), "samples of " + k);
            BigDecimal want = BigDecimal.ZERO;
            for (long i : gen.ackedRequests) {
                want = want.add(BigDecimal.valueOf(LoadGenerator.value(s, i)));
            }
            assertEquals(0, want.compareTo(new BigDecimal(sums.get(k))), "sum of " + k + ": want " + want + ", got "
                    + sums.get(k));
        }
        for (int s : new int[] {0, gen.series() - 1}) {
            Map<Long, String> got = PromQuery.rangeSamples(appliance,
                    "load_test{run=\"" + gen.run() + "\",series=\"" + s + "\"}" + range, t).values().iterator().next();
            Map<Long, String> want = new TreeMap<>();
            for (long i : gen.ackedRequests) {
                want.put(gen.timestamp(i), Double.toString(LoadGenerator.value(s, i)));
            }
            assertEquals(want.keySet(), got.keySet(), "timestamps of load series " + s);
            for (Map.Entry<Long, String> e : want.entrySet()) {
                assertEquals(Double.parseDouble(e.getValue()), Double.parseDouble(got.get(e.getKey())),
                        "load series " + s + " at " + e.getKey());
            }
        }
        return n * gen.series();
    }
}
