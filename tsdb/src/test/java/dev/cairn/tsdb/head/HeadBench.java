package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest benchmark of the head, shaped like {@code promtool tsdb bench write} so the two figures
 * compare: series read from a file of JSON label sets (one per line, as Prometheus's
 * tsdb/testdata/20kseries.json), split in shards of 1000, each shard appending 100 scrapes at a
 * time (one commit per scrape: 1000 samples), shards run on a thread pool; timestamps 30 s apart,
 * values growing by 1000. Then measures memory after GC: heap used and process RSS, per series.
 *
 * <pre>
 * mvn -B -q -pl tsdb test-compile
 * CP=tsdb/target/test-classes:tsdb/target/classes:$HOME/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar
 * java -cp $CP dev.cairn.tsdb.head.HeadBench --write-series-file /tmp/100kseries.json --series 100000
 * java -Xmx8g -cp $CP dev.cairn.tsdb.head.HeadBench --series-file /tmp/100kseries.json --series 100000 --scrapes 200
 *      [--wal DIR --sync NONE|BATCH|ALWAYS] [--threads N]
 * promtool tsdb bench write --out /tmp/benchout --metrics 100000 --scrapes 200 /tmp/100kseries.json
 * </pre>
 * Prometheus's WAL fsyncs only at segment rollover, so {@code --wal DIR --sync NONE} is the like
 * for like comparison with promtool. On a shared machine compare "samples per CPU-second" too.
 * The memory figure (RSS after GC) depends on heap sizing more than on the head: measured with
 * {@code -Xmx3g -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10} (G1) at a million series, without
 * the ratios G1 keeps up to twice the live heap committed.
 * {@code tsdb/src/test/bench/ingest-vs-promtool.sh SERIES SCRAPES RUNS SERIES_FILE} runs both,
 * interleaved.
 * </pre>
 */
public final class HeadBench {
    private static final long TIME_DELTA = 30_000;
    private static final int SHARD = 1000;
    /** -Dcairn.bench.rounds=true prints each round's (100 scrapes') wall time: where a cold run spends it. */
    private static final boolean ROUND_TIMES = Boolean.getBoolean("cairn.bench.rounds");

    private HeadBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int numSeries = Integer.parseInt(a.getOrDefault("--series", "100000"));
        if (a.containsKey("--write-series-file")) {
            writeSeriesFile(Path.of(a.get("--write-series-file")), numSeries);
            return;
        }
        int scrapes = Integer.parseInt(a.getOrDefault("--scrapes", "1000"));
        int threads = Integer.parseInt(a.getOrDefault("--threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        List<Labels> series = a.containsKey("--series-file")
                ? readSeriesFile(Path.of(a.get("--series-file")), numSeries)
                : generate(numSeries);
        gc();
        long rssBefore = rssBytes();
        long heapBefore = heapUsed();

        Head head;
        if (a.containsKey("--wal")) {
            Path dir = Path.of(a.get("--wal"));
            SyncPolicy p = SyncPolicy.valueOf(a.getOrDefault("--sync", "NONE"));
            head = Head.open(dir, HeadOptions.defaults(), WalOptions.defaults().withSyncPolicy(p), Long.MIN_VALUE);
            // promtool's bench writes no head snapshot at close either: a process-CPU comparison
            // should not charge Cairn for one
            head.snapshotOnClose(false);
        } else {
            head = Head.inMemory(HeadOptions.defaults());
        }
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        long total = ingest(head, series, scrapes, threads);
        double secs = (System.nanoTime() - start) / 1e9;
        double cpuSecs = (cpuNanos() - cpuStart) / 1e9;
        System.out.printf("series: %d, scrapes: %d, threads: %d, wal: %s%n", series.size(), scrapes, threads,
                a.containsKey("--wal") ? a.get("--wal") + " (" + a.getOrDefault("--sync", "NONE") + ")" : "none");
        System.out.printf("ingest: %d samples in %.2f s = %.0f samples/s; process CPU %.2f s = %.0f samples per CPU-second%n",
                total, secs, total / secs, cpuSecs, total / cpuSecs);

        gc();
        long heap = heapUsed() - heapBefore;
        long rss = rssBytes() - rssBefore;
        System.out.printf("after GC: heap used %.1f MiB = %.0f B/series (%.2f B/sample); RSS growth %.1f MiB = %.0f B/series%n",
                heap / 1048576.0, (double) heap / series.size(), (double) heap / total,
                rss / 1048576.0, (double) rss / series.size());
        System.out.printf("head: %d series, %d chunks created, %d samples appended%n", head.numSeries(),
                head.stats().chunksCreated(), head.stats().samplesAppended());
        if (a.containsKey("--hold")) {
            // time to take a heap histogram: jmap -histo:live PID
            System.out.println("holding for " + a.get("--hold") + " s, pid " + ProcessHandle.current().pid());
            Thread.sleep(Long.parseLong(a.get("--hold")) * 1000);
        }
        head.close();
    }

    static long ingest(Head head, List<Labels> series, int scrapes, int threads) throws Exception {
        AtomicLong total = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < scrapes; i += 100) {
                int count = Math.min(100, scrapes - i);
                long baseT = TIME_DELTA * i;
                int offset = i;
                List<Future<?>> fs = new ArrayList<>();
                long roundStart = System.nanoTime();
                for (int from = 0; from < series.size(); from += SHARD) {
                    List<Labels> shard = series.subList(from, Math.min(series.size(), from + SHARD));
                    fs.add(pool.submit(() -> {
                        total.addAndGet(shard(head, shard, count, baseT, offset));
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
                if (ROUND_TIMES) {
                    System.out.printf("round %d: %.3f s%n", i / 100, (System.nanoTime() - roundStart) / 1e9);
                }
            }
        } finally {
            pool.shutdown();
        }
        return total.get();
    }

    private static long shard(Head head, List<Labels> shardList, int scrapes, long baseT, int scrapeOffset) throws IOException {
        // a plain array, as promtool's slice of series: the harness should cost next to nothing
        Labels[] shard = shardList.toArray(new Labels[0]);
        HeadAppender app = head.appender();
        long n = 0;
        long t = baseT;
        // series references cached across scrapes, as promtool's bench (and a scrape loop) does
        long[] refs = new long[shard.length];
        for (int s = 0; s < scrapes; s++) {
            t += TIME_DELTA;
            double v = 123456789 + 1000.0 * (scrapeOffset + s + 1);
            for (int k = 0; k < shard.length; k++) {
                AppendResult r = app.append(refs[k], shard[k], t, v);
                if (r != AppendResult.OK) {
                    throw new IllegalStateException(shard[k] + " @" + t + ": " + r.message());
                }
                refs[k] = app.ref();
                n++;
            }
            app.commit();
        }
        return n;
    }

    /** Node-exporter-like series: ~100 metric names, label sets of 3 to 6 labels. */
    static List<Labels> generate(int n) {
        Random r = new Random(42);
        String[] metrics = new String[100];
        for (int i = 0; i < metrics.length; i++) {
            metrics[i] = "node_metric_" + i + (i % 3 == 0 ? "_total" : "_bytes");
        }
        String[] modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
        List<Labels> out = new ArrayList<>(n);
        int perHost = 200;
        for (int i = 0; i < n; i++) {
            int host = i / perHost;
            int m = i % perHost;
            List<String> kv = new ArrayList<>(List.of("__name__", metrics[m % metrics.length],
                    "instance", "host-" + host + ".dc1.example.org:9100", "job", "node"));
            if (m >= metrics.length) {
                kv.add("cpu");
                kv.add(Integer.toString(m % 16));
                kv.add("mode");
                kv.add(modes[(m / 16) % modes.length]);
            } else if (m % 5 == 0) {
                kv.add("device");
                kv.add("sd" + (char) ('a' + r.nextInt(4)));
            }
            out.add(Labels.of(kv.toArray(new String[0])));
        }
        return out;
    }

    /** One JSON object of label names to values per line, as promtool's bench reads. */
    static void writeSeriesFile(Path file, int n) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Labels l : generate(n)) {
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append('"').append(l.name(i)).append("\":\"").append(l.value(i)).append('"');
                }
                w.write(sb.append("}\n").toString());
            }
        }
        System.out.println("wrote " + n + " series to " + file);
    }

    /** Reads flat JSON label objects (no escapes inside strings, as the files above). */
    static List<Labels> readSeriesFile(Path file, int max) throws IOException {
        List<Labels> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while (out.size() < max && (line = r.readLine()) != null) {
                List<String> kv = new ArrayList<>();
                int i = 0;
                while ((i = line.indexOf('"', i)) >= 0) {
                    int j = line.indexOf('"', i + 1);
                    kv.add(line.substring(i + 1, j));
                    i = j + 1;
                }
                out.add(Labels.of(kv.toArray(new String[0])));
            }
        }
        return out;
    }

    private static void gc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
    }

    /** CPU time of the whole process (all threads, GC included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process from /proc (Linux). */
    static long rssBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
