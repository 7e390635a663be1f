package dev.cairn.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.AgentMain;
import dev.cairn.agent.relay.LoadGenerator;
import dev.cairn.agent.relay.TestReceiver;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
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
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relay as its own JVM ({@link AgentMain}), SIGKILLed again and again at random moments while load
 * generators write to it: every sample whose request was answered 204 must reach the downstream, and
 * none may be stored twice. Two downstreams:
 * <ul>
 *   <li>{@link Target#TEST_RECEIVER}: a plain receiver that records every arrival, so a resent sample is
 *       seen (and must carry the same value);</li>
 *   <li>{@link Target#APPLIANCE}: the real appliance as a child JVM, where a resent sample is silently taken
 *       (same value, same timestamp) or refused as out of order; duplicates would show as two samples with
 *       one timestamp in a raw range query, also after the appliance is SIGKILLed and replays its WAL.</li>
 * </ul>
 * Each load generator owns its series and sends them in timestamp order, as a Prometheus shard does, so
 * an out-of-order refusal can only mean a resend.
 */
class RelayCrashIT {
    private static final int ROUNDS = 6;
    private static final int WORKERS = 4;
    private static final int SERIES = 50;
    private static final long T0 = 1_700_000_000_000L;

    enum Target { TEST_RECEIVER, APPLIANCE }

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

    @ParameterizedTest(name = "downstream {0}")
    @EnumSource(Target.class)
    void sigkillUnderLoad_noAcknowledgedSampleIsLost_noneDuplicated(Target target) throws Exception {
        try (Downstream downstream = target == Target.APPLIANCE ? new ApplianceDownstream() : new ReceiverDownstream()) {
            int port = PromPeer.freePort();
            URI relayUrl = URI.create("http://127.0.0.1:" + port + "/api/v1/write");
            Path data = dir.resolve("agent");
            List<LoadGenerator> gens = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                gens.add(new LoadGenerator(SERIES, T0, "crash-w" + w, target == Target.TEST_RECEIVER));
            }
            AtomicLongArray next = new AtomicLongArray(WORKERS); // each worker's next request, across rounds
            long seed = Long.getLong("cairn.it.seed", System.nanoTime());
            Random rnd = new Random(seed);
            for (int round = 0; round < ROUNDS; round++) {
                Process relay = startRelay(port, downstream.url(), data, round);
                try {
                    awaitReady(relay, port, round);
                    AtomicBoolean stop = new AtomicBoolean();
                    List<Thread> load = new ArrayList<>();
                    for (int w = 0; w < WORKERS; w++) {
                        int worker = w;
                        Thread t = new Thread(() -> {
                            try {
                                for (int n = 0; n < 50_000 && !stop.get(); n++) {
                                    gens.get(worker).send(relayUrl, next.getAndIncrement(worker));
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
            long acked = 0;
            for (LoadGenerator g : gens) {
                acked += g.ackedSamples.get();
            }
            assertTrue(acked > 10_000, "too little load to mean anything: " + acked);
            // A last, undisturbed run drains the queue; then a clean stop (SIGTERM).
            Process relay = startRelay(port, downstream.url(), data, ROUNDS);
            try {
                awaitReady(relay, port, ROUNDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (downstream.missing(gens, next) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                relay.destroy();
                assertTrue(relay.waitFor(20, TimeUnit.SECONDS), "the relay did not stop on SIGTERM");
            } finally {
                relay.destroyForcibly();
            }
            long failed = 0;
            for (LoadGenerator g : gens) {
                failed += g.failedRequests.get();
            }
            String figures = downstream.verify(gens, next);
            System.out.printf("relay crash test (%s, seed %d): %d acknowledged samples over %d SIGKILLs of the relay, "
                    + "%d failed requests; %s%n", target, seed, acked, ROUNDS, failed, figures);
        }
    }

    /** Where the relay forwards, and how to tell what arrived. */
    private interface Downstream extends AutoCloseable {
        URI url();

        /** Acknowledged samples not (yet) downstream. */
        long missing(List<LoadGenerator> gens, AtomicLongArray sent) throws Exception;

        /** Asserts that every acknowledged sample is there once with its value; returns figures to print. */
        String verify(List<LoadGenerator> gens, AtomicLongArray sent) throws Exception;
    }

    private static final class ReceiverDownstream implements Downstream {
        private final TestReceiver rx = new TestReceiver();

        ReceiverDownstream() throws IOException {
        }

        @Override
        public URI url() {
            return rx.url();
        }

        @Override
        public long missing(List<LoadGenerator> gens, AtomicLongArray sent) {
            long missing = 0;
            for (LoadGenerator g : gens) {
                for (String k : g.acked.keySet()) {
                    if (!rx.values.containsKey(k)) {
                        missing++;
                    }
                }
            }
            return missing;
        }

        @Override
        public String verify(List<LoadGenerator> gens, AtomicLongArray sent) {
            long checked = 0;
            for (LoadGenerator g : gens) {
                for (Map.Entry<String, Long> e : g.acked.entrySet()) {
                    assertEquals(e.getValue(), rx.values.get(e.getKey()), "value of " + e.getKey()
                            + " downstream (null: missing)");
                    checked++;
                }
            }
            assertEquals(0, rx.conflicts.get(), "a (series, timestamp) arrived with two different values");
            long dups = rx.counts.values().stream().filter(c -> c > 1).count();
            return checked + " samples checked, " + rx.samplesTaken.get() + " received, " + dups
                    + " (series, t) received more than once with identical values";
        }

        @Override
        public void close() {
            rx.close();
        }
    }

    /** The real appliance in a child JVM; its raw range queries show what it stores. */
    private final class ApplianceDownstream implements Downstream {
        private final ApplianceChild appliance;

        ApplianceDownstream() throws IOException, InterruptedException {
            appliance = new ApplianceChild(dir.resolve("appliance"), dir).start();
        }

        @Override
        public URI url() {
            return appliance.writeUrl();
        }

        /** Raw samples of one generator's series, over every timestamp it may have sent. */
        private Map<String, Map<Long, String>> stored(LoadGenerator g, long sent) throws Exception {
            long last = g.timestamp(Math.max(0, sent - 1));
            return PromQuery.rangeSamples(appliance.uri(""), "load_test{run=\"" + g.run() + "\"}[" + (last - T0 + 1)
                    + "ms]", last / 1000.0);
        }

        @Override
        public long missing(List<LoadGenerator> gens, AtomicLongArray sent) throws Exception {
            long missing = 0;
            for (int w = 0; w < gens.size(); w++) {
                LoadGenerator g = gens.get(w);
                Map<String, Map<Long, String>> got = stored(g, sent.get(w));
                for (int s = 0; s < g.series(); s++) {
                    Map<Long, String> samples = got.getOrDefault(seriesKey(g, s), Map.of());
                    for (long i : g.ackedRequests) {
                        if (!samples.containsKey(g.timestamp(i))) {
                            missing++;
                        }
                    }
                }
            }
            return missing;
        }

        private String seriesKey(LoadGenerator g, int s) {
            return "{__name__=\"load_test\",run=\"" + g.run() + "\",series=\"" + s + "\"}";
        }

        /**
         * Every stored sample is one the generators sent, with its value, at a timestamp held once (else
         * {@link PromQuery#rangeSamples} fails); every acknowledged one is there. Then the appliance is
         * SIGKILLed and must answer the same after replaying its WAL.
         */
        @Override
        public String verify(List<LoadGenerator> gens, AtomicLongArray sent) throws Exception {
            long stored = 0;
            long unacknowledgedKept = 0;
            List<Map<String, Map<Long, String>>> before = new ArrayList<>();
            for (int w = 0; w < gens.size(); w++) {
                LoadGenerator g = gens.get(w);
                Map<String, Map<Long, String>> got = stored(g, sent.get(w));
                before.add(got);
                assertEquals(g.series(), got.size(), "series of " + g.run() + ": " + got.keySet());
                for (int s = 0; s < g.series(); s++) {
                    Map<Long, String> samples = got.get(seriesKey(g, s));
                    assertTrue(samples != null, seriesKey(g, s) + " missing");
                    for (Map.Entry<Long, String> e : samples.entrySet()) {
                        long i = e.getKey() - T0;
                        assertTrue(i >= 0 && i < sent.get(w), seriesKey(g, s) + " holds a sample never sent at "
                                + e.getKey());
                        assertEquals(LoadGenerator.value(s, i), Double.parseDouble(e.getValue()),
                                seriesKey(g, s) + " at " + e.getKey());
                        if (!g.ackedRequests.contains(i)) {
                            unacknowledgedKept++;
                        }
                    }
                    for (long i : g.ackedRequests) {
                        assertTrue(samples.containsKey(g.timestamp(i)), "acknowledged sample " + seriesKey(g, s) + " at "
                                + g.timestamp(i) + " missing on the appliance");
                    }
                    stored += samples.size();
                }
                // the engine's own count agrees with the raw answer: no hidden second copy per timestamp
                long last = g.timestamp(sent.get(w) - 1);
                Map<String, String> counts = PromQuery.vector(appliance.uri(""), "count_over_time(load_test{run=\""
                        + g.run() + "\"}[" + (last - T0 + 1) + "ms])", last / 1000.0);
                for (int s = 0; s < g.series(); s++) {
                    assertEquals(Integer.toString(got.get(seriesKey(g, s)).size()),
                            counts.get("{run=\"" + g.run() + "\",series=\"" + s + "\"}"), "count_over_time of series " + s);
                }
            }
            String rejected = rejectedByReason();
            appliance.kill();
            appliance.start();
            for (int w = 0; w < gens.size(); w++) {
                assertEquals(before.get(w), stored(gens.get(w), sent.get(w)),
                        "after a SIGKILL and WAL replay the appliance answers differently for " + gens.get(w).run());
            }
            long inHead = assertHeadHoldsEachTimestampOnce(gens, before);
            return stored + " samples stored on the appliance and checked one by one (each timestamp once, also after"
                    + " the appliance's own SIGKILL and WAL replay; " + inHead + " read back from its head's chunks), "
                    + unacknowledgedKept
                    + " of them from requests the relay never acknowledged; appliance refusals " + rejected;
        }

        /**
         * Below PromQL: stops the appliance (SIGTERM), opens its receive directory here (replaying the WAL into
         * a head) and walks each load series' chunks: timestamps strictly increasing, the same samples the
         * HTTP API answered. Returns the samples read.
         */
        private long assertHeadHoldsEachTimestampOnce(List<LoadGenerator> gens,
                List<Map<String, Map<Long, String>>> answered) throws Exception {
            appliance.terminate();
            long n = 0;
            try (Db db = Db.open(appliance.dataDir().resolve("receive"), DbOptions.defaults());
                    Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                for (int w = 0; w < gens.size(); w++) {
                    LoadGenerator g = gens.get(w);
                    SeriesSet set = q.select(List.of(Matcher.equal("__name__", "load_test"),
                            Matcher.equal("run", g.run())));
                    ChunkIterator it = null;
                    int series = 0;
                    while (set.next()) {
                        String k = seriesKey(g, Integer.parseInt(set.at().labels().get("series")));
                        Map<Long, String> want = answered.get(w).get(k);
                        it = set.at().iterator(it);
                        long prev = Long.MIN_VALUE;
                        int count = 0;
                        while (it.next()) {
                            assertTrue(it.atT() > prev, k + " holds " + it.atT() + " after " + prev + " in the head's chunks");
                            prev = it.atT();
                            assertEquals(Double.parseDouble(want.get(it.atT())), it.atV(), k + " at " + it.atT());
                            count++;
                        }
                        assertEquals(want.size(), count, "samples of " + k + " in the head");
                        n += count;
                        series++;
                    }
                    assertEquals(g.series(), series, "series of " + g.run() + " in the head");
                }
            }
            return n;
        }

        private String rejectedByReason() throws IOException, InterruptedException {
            String text = http.send(HttpRequest.newBuilder(appliance.uri("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = Pattern.compile("(?m)^cairn_receive_samples_rejected_total\\{reason=\"(\\w+)\"} (\\S+)$")
                    .matcher(text);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                b.append(b.length() == 0 ? "" : ", ").append(m.group(1)).append('=').append(m.group(2));
            }
            return b.toString();
        }

        @Override
        public void close() throws InterruptedException {
            appliance.close();
        }
    }
}
