package dev.cairn.appliance.sidebyside;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.EngineOptions;
import dev.cairn.appliance.promql.QueryResult;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Query latency of Cairn next to Debian's Prometheus 2.42 on the same data in the same run (not a
 * test). Generates {@code --series} series over {@code --hours} at {@code --interval} seconds
 * ({@link Dataset}), remote-writes them into both, then runs each query of a fixed set (rate, sum by,
 * histogram_quantile, topk, regex selectors, subqueries; ranges from 1 h to the whole dataset)
 * {@code --runs} times against each HTTP API, alternating, after one warm-up each. Prints per query
 * the median HTTP latency of both, the ratio Cairn/Prometheus, whether the answers agree
 * ({@link AnswerDiff}), and for Cairn the bytes allocated by one evaluation on the calling thread
 * (the engine called in-process, without HTTP/JSON, via ThreadMXBean) with its median latency.
 *
 * <pre>
 * mvn -B -q -pl appliance -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cairn-cp.txt
 * java -Xmx6g -cp "$(cat /tmp/cairn-cp.txt):appliance/target/classes:appliance/target/test-classes" \
 *   dev.cairn.appliance.sidebyside.QueryBench --series 10000 --hours 12 --interval 60 --runs 5
 * </pre>
 */
public final class QueryBench {
    private QueryBench() {
    }

    record Query(String expr, long rangeMs, long stepMs) {
        boolean isRange() {
            return rangeMs > 0;
        }
    }

    public static void main(String[] args) throws Exception {
        int series = 10_000;
        int hours = 12;
        int intervalS = 60;
        int runs = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--series" -> series = Integer.parseInt(args[i + 1]);
                case "--hours" -> hours = Integer.parseInt(args[i + 1]);
                case "--interval" -> intervalS = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + " (expected --series N --hours H --interval SECONDS --runs R)");
            }
        }
        int targets = Math.max(1, series / 13);
        int jobs = Math.min(10, targets);
        int instances = (targets + jobs - 1) / jobs;
        long intervalMs = intervalS * 1000L;
        long end = System.currentTimeMillis() / intervalMs * intervalMs - 60_000;
        long start = end - hours * 3_600_000L;
        Dataset data = Dataset.generate(7, jobs, instances, start, end - start, intervalMs);
        Path dir = Files.createTempDirectory("cairn-querybench");
        try (Peers peers = Peers.start(dir)) {
            long t0 = System.nanoTime();
            data.requests(Math.max(600_000, 10 * intervalMs), 50_000, peers::push);
            System.out.printf("dataset: %d series, %d samples, %d h at %d s; pushed in %.1f s "
                            + "(remote write time: prometheus %.1f s, cairn %.1f s)%n", data.series.size(),
                    data.sampleCount(), hours, intervalS, (System.nanoTime() - t0) / 1e9,
                    peers.prometheusWriteNanos / 1e9, peers.cairnWriteNanos / 1e9);
            long h = 3_600_000L;
            long all = hours * h;
            List<Query> queries = List.of(
                    new Query("rate(http_requests_total[5m])", 0, 0),
                    new Query("sum by (job) (rate(http_requests_total[5m]))", 0, 0),
                    new Query("sum by (job) (rate(http_requests_total[5m]))", h, 60_000),
                    new Query("sum by (job, code) (rate(http_requests_total[5m]))", all, Math.max(60_000, all / 250)),
                    new Query("histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))",
                            h, 60_000),
                    new Query("histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
                            all, Math.max(60_000, all / 250)),
                    new Query("topk(10, rate(http_requests_total[5m]))", 0, 0),
                    new Query("topk(5, sum by (instance) (rate(http_requests_total[5m])))", Math.min(all, 6 * h),
                            300_000),
                    new Query("sum(rate(http_requests_total{instance=~\"host1.*\",code=~\"5..\"}[5m]))", all,
                            Math.max(60_000, all / 250)),
                    new Query("count by (job) ({__name__=~\"http_.*_total|node_.*\"})", 0, 0),
                    new Query("avg_over_time(node_temperature_celsius{job=~\"job[0-4]\"}[1h])", 0, 0),
                    new Query("sum(increase(http_requests_total[" + hours + "h]))", 0, 0),
                    new Query("max_over_time(sum by (job) (rate(http_requests_total[5m]))[1h:1m])", 0, 0),
                    new Query("max_over_time(sum by (job) (rate(http_requests_total[5m]))[1h:5m])",
                            Math.min(all, 6 * h), 600_000));
            Engine engine = new Engine(EngineOptions.defaults());
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            System.out.printf("%n%-88s %7s %10s %10s %7s %5s %10s %12s%n", "query", "range", "prom ms", "cairn ms",
                    "ratio", "same", "engine ms", "cairn alloc");
            List<Double> ratios = new ArrayList<>();
            for (Query q : queries) {
                String call = q.isRange()
                        ? "/api/v1/query_range?query=" + Peers.enc(q.expr()) + "&start="
                        + SideBySideTest.sec(end - q.rangeMs()) + "&end=" + SideBySideTest.sec(end) + "&step="
                        + SideBySideTest.sec(q.stepMs())
                        : "/api/v1/query?query=" + Peers.enc(q.expr()) + "&time=" + SideBySideTest.sec(end);
                Peers.Answer want = peers.get(peers.prometheusUrl, call);
                Peers.Answer got = peers.get(peers.cairnUrl, call);
                String diff = AnswerDiff.diff(want, got);
                if (want.status() != 200) {
                    throw new IllegalStateException("prometheus refused " + q + ": " + want.body());
                }
                double[] prom = new double[runs];
                double[] cairn = new double[runs];
                for (int r = 0; r < runs; r++) {
                    long a = System.nanoTime();
                    peers.get(peers.prometheusUrl, call);
                    long b = System.nanoTime();
                    peers.get(peers.cairnUrl, call);
                    long c = System.nanoTime();
                    prom[r] = (b - a) / 1e6;
                    cairn[r] = (c - b) / 1e6;
                }
                double[] direct = new double[runs];
                long alloc = Long.MAX_VALUE;
                for (int r = 0; r < runs; r++) {
                    long a0 = threads.getCurrentThreadAllocatedBytes();
                    long n0 = System.nanoTime();
                    QueryResult res = q.isRange()
                            ? engine.rangeQuery(peers.appliance.db()::querier, q.expr(), end - q.rangeMs(), end,
                            q.stepMs())
                            : engine.instantQuery(peers.appliance.db()::querier, q.expr(), end);
                    direct[r] = (System.nanoTime() - n0) / 1e6;
                    alloc = Math.min(alloc, threads.getCurrentThreadAllocatedBytes() - a0);
                    if (res.value() == null) {
                        throw new IllegalStateException("no value for " + q);
                    }
                }
                double pm = median(prom);
                double cm = median(cairn);
                ratios.add(cm / pm);
                String range = q.isRange() ? (q.rangeMs() / h) + "h/" + (q.stepMs() / 1000) + "s" : "inst";
                System.out.printf("%-88s %7s %10.1f %10.1f %7.2f %5s %10.1f %9.1f MiB%n", q.expr(), range, pm, cm,
                        cm / pm, diff == null ? "yes" : "NO", median(direct), alloc / 1048576.0);
                if (diff != null) {
                    System.out.println("    differs: " + diff);
                }
            }
            double geo = Math.exp(ratios.stream().mapToDouble(Math::log).average().orElse(0));
            System.out.printf("%ngeometric mean of ratio cairn/prometheus: %.2f (median of %d runs per query, "
                    + "HTTP on 127.0.0.1, both on this machine)%n", geo, runs);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
