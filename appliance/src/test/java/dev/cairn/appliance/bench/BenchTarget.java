package dev.cairn.appliance.bench;

import dev.cairn.appliance.ApplianceMain;
import java.io.IOException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One remote-write receiver under load, as a child process on 127.0.0.1 with its own port and data
 * directory: the appliance (a JVM on this classpath, with the packaged unit's JVM flags unless told
 * otherwise) or the real Debian {@code prometheus --web.enable-remote-write-receiver}. Both are
 * configured to cut small blocks ({@code blockDuration}) so a block is on disk after the load.
 */
final class BenchTarget implements AutoCloseable {
    /** The JVM options of the packaged appliance unit (packaging/src/pkg/appliance/cairn-appliance.default). */
    static final String PACKAGED_APPLIANCE_JAVA_OPTS = "-Xms512m -Xmx4g -XX:+UseG1GC -XX:MaxNewSize=384m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:G1PeriodicGCInterval=15000 -XX:+ExitOnOutOfMemoryError";
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    final String name;
    final String url;
    final String writePath;
    final Path dataDir;
    /** Metric names on /metrics: head series, samples taken. */
    final String headSeriesMetric;
    final String samplesMetric;
    private final Process process;
    final Path log;

    private BenchTarget(String name, int port, String writePath, Path dataDir, String headSeriesMetric,
                        String samplesMetric, Process process, Path log) {
        this.name = name;
        this.url = "http://127.0.0.1:" + port;
        this.writePath = writePath;
        this.dataDir = dataDir;
        this.headSeriesMetric = headSeriesMetric;
        this.samplesMetric = samplesMetric;
        this.process = process;
        this.log = log;
    }

    /** The launcher's JIT hints (tsdb/src/main/jvm/hotspot_compiler), from the module or the repository root. */
    static Path hotspotCompilerFile() {
        Path here = Path.of("").toAbsolutePath();
        for (Path root : new Path[] {here, here.getParent()}) {
            Path f = root.resolve("tsdb/src/main/jvm/hotspot_compiler");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("tsdb/src/main/jvm/hotspot_compiler not found from " + here);
    }

    static BenchTarget appliance(Path dir, String javaOpts, Duration block) throws IOException, InterruptedException {
        int port = freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        // The bucket compactor is off so the blocks the receiver cut are measured as cut.
        Path config = Files.writeString(dir.resolve("appliance.yaml"), "receive:\n  block_duration: "
                + block.toSeconds() + "s\ncompact:\n  enabled: false\n");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // first, as /usr/bin/cairn passes it before JAVA_OPTS
        cmd.add("-XX:CompileCommandFile=" + hotspotCompilerFile());
        cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ApplianceMain.class.getName(),
                "--config", config.toString(), "--data-dir", data.toString(),
                "--http-address", "127.0.0.1:" + port, "--grpc-address", "127.0.0.1:0"));
        Path log = dir.resolve("appliance.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BenchTarget t = new BenchTarget("cairn appliance", port, "/api/v1/write", data, "cairn_tsdb_head_series",
                "cairn_receive_samples_ingested_total", p, log);
        t.awaitReady(Duration.ofSeconds(90));
        return t;
    }

    static BenchTarget prometheus(Path dir, Duration block) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROMETHEUS)) {
            throw new IllegalStateException(PROMETHEUS + " is missing: install Debian's prometheus package "
                    + "(apt-get install prometheus, or scripts/install-deps.sh)");
        }
        int port = freePort();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\n");
        String b = block.toSeconds() + "s";
        List<String> cmd = List.of(PROMETHEUS.toString(), "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + data,
                "--web.enable-remote-write-receiver", "--storage.tsdb.min-block-duration=" + b,
                "--storage.tsdb.max-block-duration=" + b, "--storage.tsdb.retention.time=3650d");
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BenchTarget t = new BenchTarget("prometheus 2.42", port, "/api/v1/write", data, "prometheus_tsdb_head_series",
                "prometheus_tsdb_head_samples_appended_total", p, log);
        t.awaitReady(Duration.ofSeconds(60));
        return t;
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size of the process, KiB, from /proc/PID/status. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** CPU time (user + system) of the process so far, seconds, from /proc/PID/stat. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
    }

    /** Samples of {@code metric} on /metrics, summed over its label sets; NaN when absent. */
    double metric(String metric) throws IOException, InterruptedException {
        String text = get("/metrics");
        double sum = Double.NaN;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum = Double.isNaN(sum) ? v : sum + v;
            }
        }
        return sum;
    }

    /** Block directories (holding meta.json) anywhere under the data directory, one per ULID. */
    Map<String, Path> blocks() throws IOException {
        Map<String, Path> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(dataDir)) {
            s.filter(p -> p.getFileName().toString().equals("meta.json"))
                    .map(Path::getParent)
                    .filter(d -> d.getFileName().toString().matches("[0-9A-HJKMNP-TV-Z]{26}"))
                    .forEach(d -> out.putIfAbsent(d.getFileName().toString(), d));
        }
        return out;
    }

    String get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery))
                .timeout(Duration.ofSeconds(120)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + pathAndQuery + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            try {
                get("/-/ready");
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException(name + " not ready within " + timeout + "; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
