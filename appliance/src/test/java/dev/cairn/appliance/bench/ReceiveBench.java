package dev.cairn.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The appliance's remote-write bench (issue 6): the same node-exporter-shaped load
 * ({@link NodeExporterLoad}) against the appliance and against the real Debian Prometheus 2.42
 * receiver, one after the other in the same run, each a fresh child process with a fresh data
 * directory on 127.0.0.1; prints side by side
 * <ul>
 *   <li>ingest samples/s: the samples of the rounds after {@code warmupSteps} over the wall time of
 *       their sending phases (first request of a scrape round to its last answer; each round's bodies
 *       are encoded before its clock starts) — a receiver runs for months, so the first rounds, which
 *       create every series and (for the JVM) compile the hot paths, are shown on their own row;
 *       {@code senders} keep-alive connections, {@code batch} series (one sample each) per request,
 *       scrape rounds in order (round k+1 starts when round k is answered, as scrapes come in); the
 *       generator's own CPU while sending is printed, as it shares the receiver's cores;
 *   <li>RSS per head series: VmRSS minus VmRSS before the load, over the head series, twice: right
 *       after the rounds sent as fast as the receiver answers, and after {@code pacedSteps} more
 *       rounds sent {@code paceMillis} apart (the scrape interval), as a receiver runs day to day —
 *       the goal's figure, since a JVM's heap and Go's runtime both hold on to peak memory for a
 *       while after a burst;
 *   <li>bytes per sample on disk: the blocks cut during the run (both are told to cut blocks of
 *       {@code block} instead of 2h), their files' size over the samples their meta.json counts;
 *   <li>query latency: median of {@code runs} {@code /api/v1/query_range} calls per PromQL query
 *       over the whole load, after one unmeasured call.
 * </ul>
 * Run it with {@code scripts/bench-receive.sh [--quick] [--series N] [--steps N] ...}; the goals of
 * issue 6 are samples/s ≥ 2× Prometheus's, RSS per series ≤ half, bytes/sample ≤ Prometheus's.
 */
public final class ReceiveBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run measures; see the class comment. */
    record Options(int series, int steps, int warmupSteps, int pacedSteps, long paceMillis, int batch, int senders,
                   Duration block, int queryRuns, String applianceJavaOpts, Duration maxLoadTime) {
        static Options reference() {
            return new Options(100_000, 120, 20, 8, NodeExporterLoad.SCRAPE_INTERVAL_MS, 500, 8, Duration.ofMinutes(10),
                    5, BenchTarget.PACKAGED_APPLIANCE_JAVA_OPTS, Duration.ofMinutes(15));
        }

        /** Small enough for a test: 10k series × 12 scrapes (+2 paced 1 s apart), 1-minute blocks. */
        static Options quick() {
            return new Options(10_000, 12, 2, 2, 1000, 500, 4, Duration.ofMinutes(1), 3,
                    "-Xms256m -Xmx512m -XX:+UseG1GC", Duration.ofMinutes(2));
        }
    }

    /** One receiver's figures. */
    record Result(String name, long samples, long refusedRequests, double seconds, double cpuSeconds,
                  double generatorCpuSeconds, long allSamples, double allSeconds, long rssBeforeKib,
                  long rssAfterKib, long rssPacedKib, double headSeries, double samplesTaken, int blocks, long blockBytes,
                  long blockSamples, List<QueryTiming> queries) {
        /** After the warm-up rounds. */
        double samplesPerSecond() {
            return samples / seconds;
        }

        /** Every round, the first (which creates the series) and the receiver's warm-up included. */
        double allSamplesPerSecond() {
            return allSamples / allSeconds;
        }

        /** Right after the rounds sent as fast as the receiver answers. */
        double rssBytesPerSeries() {
            return (rssAfterKib - rssBeforeKib) * 1024.0 / headSeries;
        }

        /** At the end of the rounds sent at the scrape interval, as a receiver runs day to day. */
        double pacedRssBytesPerSeries() {
            return (rssPacedKib - rssBeforeKib) * 1024.0 / headSeries;
        }

        double bytesPerSample() {
            return blockSamples == 0 ? Double.NaN : (double) blockBytes / blockSamples;
        }
    }

    /** Median latency of one query, and the shape of its answer (to see both answered the same). */
    record QueryTiming(String query, double medianMillis, int resultSeries, long points) {
    }

    static final List<String> QUERIES = List.of(
            "sum by (mode) (rate(node_cpu_seconds_total[1m]))",
            "topk(5, rate(node_network_receive_bytes_total{device=\"eth0\"}[5m]))",
            "avg(node_load1)",
            "node_memory_MemAvailable_bytes{instance=\"10.0.0.7:9100\"}",
            "sum by (device) (rate(node_disk_written_bytes_total[2m]))");

    private ReceiveBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        Path dir = Files.createTempDirectory("cairn-receive-bench");
        try {
            if (System.getenv("CAIRN_BENCH_APPLIANCE_ONLY") != null) {
                // for profiling the appliance alone (JFR, jcmd): no Prometheus, no table
                long t0 = (System.currentTimeMillis() - o.steps() * NodeExporterLoad.SCRAPE_INTERVAL_MS) / 60_000 * 60_000;
                try (BenchTarget a = BenchTarget.appliance(Files.createDirectories(dir.resolve("appliance")),
                        o.applianceJavaOpts(), o.block())) {
                    Result r = measure(a, o, t0, System.out);
                    System.out.printf(Locale.ROOT, "appliance alone: %.0f samples/s, %.0f samples per CPU s, RSS per "
                            + "head series %.0f bytes, %.3f bytes/sample%n", r.samplesPerSecond(),
                            r.samples() / r.cpuSeconds(), r.rssBytesPerSeries(), r.bytesPerSample());
                    if (System.getenv("CAIRN_BENCH_HOLD_SECONDS") != null) {
                        Thread.sleep(1000L * Integer.parseInt(System.getenv("CAIRN_BENCH_HOLD_SECONDS")));
                    }
                }
                return;
            }
            List<Result> r = run(o, dir, System.out);
            print(o, r.get(0), r.get(1), System.out);
        } finally {
            deleteTree(dir);
        }
    }

    /** Runs the load against the appliance, then against Prometheus; returns {appliance, prometheus}. */
    static List<Result> run(Options o, Path dir, PrintStream progress) throws IOException, InterruptedException {
        long t0 = (System.currentTimeMillis() - o.steps() * NodeExporterLoad.SCRAPE_INTERVAL_MS) / 60_000 * 60_000;
        List<Result> out = new ArrayList<>();
        try (BenchTarget a = BenchTarget.appliance(Files.createDirectories(dir.resolve("appliance")),
                o.applianceJavaOpts(), o.block())) {
            out.add(measure(a, o, t0, progress));
        }
        try (BenchTarget p = BenchTarget.prometheus(Files.createDirectories(dir.resolve("prometheus")), o.block())) {
            out.add(measure(p, o, t0, progress));
        }
        return out;
    }

    private static Result measure(BenchTarget t, Options o, long t0, PrintStream progress)
            throws IOException, InterruptedException {
        NodeExporterLoad load = new NodeExporterLoad(o.series(), t0);
        Thread.sleep(2000); // let start-up settle before the baseline
        long rssBefore = t.rssKib();
        progress.printf("%s (pid %d): baseline RSS %d MiB; sending %d series x %d scrapes (load average %s) ...%n",
                t.name, t.pid(), rssBefore >> 10, load.series(), o.steps(), loadAverage());
        long[] sent = new long[2]; // samples, refused requests
        Sending sending = drive(t, load, o, 0, o.steps(), o.warmupSteps(), 0, sent);
        double secs = sending.seconds();
        long rssAfter = t.rssKib();
        progress.printf("%s: %d samples in %.1f s, RSS %d MiB (load average %s); %d scrapes %d ms apart ...%n", t.name,
                sent[0], sending.allSeconds(), rssAfter >> 10, loadAverage(), o.pacedSteps(), o.paceMillis());
        long[] paced = new long[2];
        drive(t, load, o, o.steps(), o.steps() + o.pacedSteps(), o.steps(), o.paceMillis(), paced);
        long rssPaced = t.rssKib();
        sent[1] += paced[1];
        double head = t.metric(t.headSeriesMetric);
        double taken = t.metric(t.samplesMetric);
        progress.printf("%s: RSS %d MiB after the paced scrapes (load average %s); waiting for a block ...%n", t.name,
                rssPaced >> 10, loadAverage());
        Map<String, Path> blocks = awaitBlocks(t, Duration.ofSeconds(120));
        long bytes = 0;
        long samples = 0;
        for (Path b : blocks.values()) {
            bytes += treeSize(b);
            samples += JSON.readTree(b.resolve("meta.json").toFile()).path("stats").path("numSamples").asLong();
        }
        List<QueryTiming> qs = new ArrayList<>();
        for (String q : QUERIES) {
            qs.add(time(t, q, load.minTime(), load.maxTime(o.steps()), o.queryRuns()));
        }
        return new Result(t.name, sending.samples(), sent[1], secs, sending.targetCpuSeconds(),
                sending.generatorCpuSeconds(), sent[0], sending.allSeconds(), rssBefore, rssAfter, rssPaced, head, taken, blocks.size(), bytes,
                samples, qs);
    }

    /**
     * What {@link #drive} measured after the warm-up rounds: samples answered 2xx, wall seconds of
     * the sending phases, the receiver's CPU from the end of the warm-up to the last answer, the
     * generator's own CPU while sending; and the wall seconds of all rounds' sending phases.
     */
    record Sending(long samples, double seconds, double targetCpuSeconds, double generatorCpuSeconds,
                   double allSeconds) {
    }

    /**
     * Sends scrape rounds [firstStep, endStep) in order, each cut into requests of {@code batch}
     * series spread over the senders (one keep-alive connection each); measures from
     * {@code measuredFrom} on. A round's bodies are encoded before its clock starts: the generator
     * shares the receiver's cores, and what it spends encoding is not the receiver's. With
     * {@code paceMillis} > 0 a round starts that long after the previous one started (as scrapes
     * arrive), else as soon as the previous one is answered.
     */
    private static Sending drive(BenchTarget t, NodeExporterLoad load, Options o, int firstStep, int endStep,
                                 int measuredFrom, long paceMillis, long[] sent) throws InterruptedException, IOException {
        URI url = URI.create(t.url + t.writePath);
        int requests = (load.series() + o.batch() - 1) / o.batch();
        long deadline = System.nanoTime() + o.maxLoadTime().toNanos();
        AtomicLong samples = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicReference<String> firstRefusal = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        RemoteWriteConnection[] connections = new RemoteWriteConnection[o.senders()];
        byte[][] bodies = new byte[requests][];
        NodeExporterLoad.Scratch scratch = new NodeExporterLoad.Scratch();
        long sendingNanos = 0;
        long allSendingNanos = 0;
        long generatorCpuNanos = 0;
        long samplesBeforeMeasuring = 0;
        double targetCpuAtStart = t.cpuSeconds();
        try {
            for (int k = 0; k < connections.length; k++) {
                connections[k] = new RemoteWriteConnection(url);
            }
            long paceStart = System.nanoTime();
            for (int step = firstStep; step < endStep; step++) {
                if (paceMillis > 0) {
                    long due = paceStart + (step - firstStep) * paceMillis * 1_000_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(t.name + " did not take the load within " + o.maxLoadTime()
                            + " (at scrape " + step + " of " + o.steps() + ")");
                }
                for (int r = 0; r < requests; r++) {
                    int from = r * o.batch();
                    bodies[r] = load.request(from, Math.min(load.series(), from + o.batch()), step, scratch);
                }
                if (step == measuredFrom) {
                    samplesBeforeMeasuring = samples.get();
                    targetCpuAtStart = t.cpuSeconds();
                }
                boolean measured = step >= measuredFrom;
                AtomicInteger next = new AtomicInteger();
                Thread[] senders = new Thread[connections.length];
                long cpu0 = ownCpuNanos();
                long t0 = System.nanoTime();
                for (int k = 0; k < senders.length; k++) {
                    RemoteWriteConnection c = connections[k];
                    senders[k] = new Thread(() -> {
                        for (int r; (r = next.getAndIncrement()) < requests && failure.get() == null; ) {
                            int from = r * o.batch();
                            int to = Math.min(load.series(), from + o.batch());
                            try {
                                RemoteWriteConnection.Answer a = c.post(bodies[r]);
                                if (a.status() / 100 == 2) {
                                    samples.addAndGet(to - from);
                                } else {
                                    refused.incrementAndGet();
                                    firstRefusal.compareAndSet(null, "HTTP " + a.status() + ": " + a.body());
                                }
                            } catch (IOException e) {
                                failure.compareAndSet(null, e);
                            }
                        }
                    }, "bench-sender-" + k);
                    senders[k].start();
                }
                for (Thread th : senders) {
                    th.join();
                }
                long took = System.nanoTime() - t0;
                allSendingNanos += took;
                if (measured) {
                    sendingNanos += took;
                    generatorCpuNanos += ownCpuNanos() - cpu0;
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("sending to " + t.name + " at " + url + " failed: " + failure.get()
                            + "; see " + t.log, failure.get());
                }
            }
        } finally {
            for (RemoteWriteConnection c : connections) {
                if (c != null) {
                    c.close();
                }
            }
        }
        sent[0] = samples.get();
        sent[1] = refused.get();
        if (refused.get() > 0) {
            System.err.println(t.name + " refused " + refused.get() + " requests, the first with " + firstRefusal.get());
        }
        return new Sending(samples.get() - samplesBeforeMeasuring, sendingNanos / 1e9, t.cpuSeconds() - targetCpuAtStart,
                generatorCpuNanos / 1e9, allSendingNanos / 1e9);
    }

    /** CPU time of this (the generator's) process, all threads. */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static Map<String, Path> awaitBlocks(BenchTarget t, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Path> b = t.blocks();
            if (!b.isEmpty() || System.nanoTime() > deadline) {
                return b;
            }
            Thread.sleep(200);
        }
    }

    private static QueryTiming time(BenchTarget t, String q, long minMs, long maxMs, int runs)
            throws IOException, InterruptedException {
        String path = "/api/v1/query_range?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&start=" + minMs / 1000.0 + "&end=" + maxMs / 1000.0 + "&step=60";
        JsonNode answer = JSON.readTree(t.get(path)); // warm-up, and the answer's shape
        JsonNode result = answer.path("data").path("result");
        long points = 0;
        for (JsonNode series : result) {
            points += series.path("values").size();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            t.get(path);
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        return new QueryTiming(q, ms[runs / 2], result.size(), points);
    }

    static void print(Options o, Result a, Result p, PrintStream out) {
        out.printf(Locale.ROOT, "%nremote-write bench: %d series, %d scrapes 15 s apart (the first %d a warm-up), %d "
                + "series per request, %d senders, %d s blocks; appliance JVM: %s%n", o.series(), o.steps(),
                o.warmupSteps(), o.batch(), o.senders(), o.block().toSeconds(), o.applianceJavaOpts());
        out.printf(Locale.ROOT, "%-44s %16s %16s %9s  %s%n", "", "cairn appliance", "prometheus 2.42", "ratio", "goal");
        row(out, "samples sent (2xx) after the warm-up", a.samples(), p.samples(), "%.0f", "");
        row(out, "samples taken (own /metrics)", a.samplesTaken(), p.samplesTaken(), "%.0f", "");
        row(out, "ingest samples/s, after the warm-up rounds", a.samplesPerSecond(), p.samplesPerSecond(), "%.0f",
                ">= 2");
        row(out, "ingest samples/s, every round", a.allSamplesPerSecond(), p.allSamplesPerSecond(), "%.0f", "");
        row(out, "CPU s of the receiver after the warm-up", a.cpuSeconds(), p.cpuSeconds(), "%.1f", "");
        row(out, "CPU s of the load generator while sending", a.generatorCpuSeconds(), p.generatorCpuSeconds(), "%.1f",
                "");
        row(out, "samples per CPU second (load-independent)", a.samples() / a.cpuSeconds(),
                p.samples() / p.cpuSeconds(), "%.0f", "");
        row(out, "head series", a.headSeries(), p.headSeries(), "%.0f", "");
        row(out, "RSS before load, MiB", a.rssBeforeKib() / 1024.0, p.rssBeforeKib() / 1024.0, "%.0f", "");
        row(out, "RSS after the fast load, MiB", a.rssAfterKib() / 1024.0, p.rssAfterKib() / 1024.0, "%.0f", "");
        row(out, "RSS after the paced scrapes, MiB", a.rssPacedKib() / 1024.0, p.rssPacedKib() / 1024.0, "%.0f", "");
        row(out, "RSS per head series after the fast load, B", a.rssBytesPerSeries(), p.rssBytesPerSeries(), "%.0f",
                "");
        row(out, "RSS per head series, scraped every " + o.paceMillis() / 1000.0 + " s, B", a.pacedRssBytesPerSeries(),
                p.pacedRssBytesPerSeries(), "%.0f", "<= 0.5");
        row(out, "blocks cut", a.blocks(), p.blocks(), "%.0f", "");
        row(out, "bytes per sample on disk (blocks)", a.bytesPerSample(), p.bytesPerSample(), "%.3f", "<= 1");
        for (int i = 0; i < a.queries().size(); i++) {
            QueryTiming qa = a.queries().get(i);
            QueryTiming qp = p.queries().get(i);
            row(out, "query ms (median): " + abbreviate(qa.query()), qa.medianMillis(), qp.medianMillis(), "%.1f", "");
            out.printf(Locale.ROOT, "    %-40s %16s %16s%n", "answer: series/points",
                    qa.resultSeries() + "/" + qa.points(), qp.resultSeries() + "/" + qp.points());
        }
        if (a.refusedRequests() + p.refusedRequests() > 0) {
            out.printf("refused requests: appliance %d, prometheus %d%n", a.refusedRequests(), p.refusedRequests());
        }
    }

    private static void row(PrintStream out, String what, double a, double p, String fmt, String goal) {
        out.printf(Locale.ROOT, "%-44s %16s %16s %9s  %s%n", what, String.format(Locale.ROOT, fmt, a),
                String.format(Locale.ROOT, fmt, p), String.format(Locale.ROOT, "%.2f", a / p), goal);
    }

    private static String abbreviate(String q) {
        return q.length() <= 24 ? q : q.substring(0, 23) + "…";
    }

    static Options parse(String[] args) {
        Options o = Options.reference();
        if (Arrays.asList(args).contains("--quick")) {
            o = Options.quick();
        }
        int series = o.series();
        int steps = o.steps();
        int warmup = o.warmupSteps();
        int paced = o.pacedSteps();
        long paceMillis = o.paceMillis();
        int batch = o.batch();
        int senders = o.senders();
        Duration block = o.block();
        int queryRuns = o.queryRuns();
        String javaOpts = o.applianceJavaOpts();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--series" -> series = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--warmup-steps" -> warmup = Integer.parseInt(v);
                case "--paced-steps" -> paced = Integer.parseInt(v);
                case "--pace-ms" -> paceMillis = Long.parseLong(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--senders" -> senders = Integer.parseInt(v);
                case "--block-minutes" -> block = Duration.ofMinutes(Integer.parseInt(v));
                case "--query-runs" -> queryRuns = Integer.parseInt(v);
                case "--appliance-java-opts" -> javaOpts = v;
                default -> throw new IllegalArgumentException("unknown flag " + a + "; flags: --quick --series N "
                        + "--steps N --warmup-steps N --paced-steps N --pace-ms N --batch N --senders N --block-minutes N --query-runs N "
                        + "--appliance-java-opts '...'");
            }
        }
        if (warmup < 0 || warmup >= steps) {
            throw new IllegalArgumentException("--warmup-steps " + warmup + " must leave at least one of the " + steps
                    + " scrapes to measure");
        }
        if (paced < 0 || paceMillis < 0) {
            throw new IllegalArgumentException("--paced-steps and --pace-ms must not be negative");
        }
        o = new Options(series, steps, warmup, paced, paceMillis, batch, senders, block, queryRuns, javaOpts, o.maxLoadTime());
        if (o.steps() * NodeExporterLoad.SCRAPE_INTERVAL_MS <= o.block().toMillis() * 3 / 2) {
            throw new IllegalArgumentException("--steps " + o.steps() + " scrapes span less than 1.5 blocks of "
                    + o.block() + ": no block would be cut");
        }
        return o;
    }

    /** The machine's 1-minute load average: the figures are only comparable at a similar one. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long treeSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
