package dev.cairn.agent.relay;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.agent.AgentMain;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the agent costs on a VM, next to what remote write costs Prometheus itself. The real
 * Debian {@code /usr/bin/prometheus} scrapes the same targets in every phase: a node-exporter-like
 * target (~1,100 series of the usual node_* families) and an application target with
 * {@code series} series, so remote write carries a real load. Three phases, each a fresh
 * Prometheus (empty TSDB) that is measured after the same warm-up, so the head grows alike:
 * <ol>
 *   <li>{@code none}: no remote_write;</li>
 *   <li>{@code direct}: remote_write to a receiver (a second Prometheus with
 *       {@code --web.enable-remote-write-receiver}, running through all phases): what Prometheus's
 *       own remote write costs;</li>
 *   <li>{@code relay}: remote_write to the Cairn agent's relay (a child JVM with the packaged
 *       JAVA_OPTS, fresh data dir), which forwards to the same receiver.</li>
 * </ol>
 * The phases are interleaved over {@code rounds} rounds (the order rotates each round), and the
 * table gives the median per phase: Prometheus's RSS (mean and max of 1 s samples) and CPU
 * seconds per second, the increase against {@code none}, the agent's RSS and CPU, and the
 * samples per second Prometheus appended and sent. Everything on 127.0.0.1, ephemeral ports.
 *
 * <pre>
 * agent/src/test/bench/agent-overhead.sh [rounds=3] [warmup_s=60] [measure_s=60] [series=40000] [interval_s=10]
 * </pre>
 */
public final class AgentOverheadBench {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final List<String> PHASES = List.of("none", "direct", "relay");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dir;
    private final int series;
    private final int intervalSeconds;

    private AgentOverheadBench(Path dir, int series, int intervalSeconds) {
        this.dir = dir;
        this.series = series;
        this.intervalSeconds = intervalSeconds;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int measure = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int series = args.length > 3 ? Integer.parseInt(args[3]) : 40_000;
        int interval = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        String javaOpts = System.getenv().getOrDefault("AGENT_JAVA_OPTS", RelayBench.PACKAGED_JAVA_OPTS);
        if (!Files.isExecutable(PROMETHEUS)) {
            throw new IllegalStateException(PROMETHEUS + " is missing: install Debian's prometheus package");
        }
        Path dir = Files.createTempDirectory("agent-overhead");
        AgentOverheadBench b = new AgentOverheadBench(dir, series, interval);
        HttpServer targets = b.startTargets();
        Proc receiver = null;
        try {
            int recvPort = freePort();
            receiver = b.startPrometheus("receiver", recvPort, "global:\n  scrape_interval: 1m\n",
                    "--web.enable-remote-write-receiver");
            String recvUrl = "http://127.0.0.1:" + recvPort + "/api/v1/write";
            String scrape = "global:\n  scrape_interval: " + interval + "s\n  scrape_timeout: " + interval + "s\n"
                    + "scrape_configs:\n"
                    + "  - job_name: node\n    metrics_path: /node\n    static_configs:\n"
                    + "      - targets: ['127.0.0.1:" + targets.getAddress().getPort() + "']\n"
                    + "  - job_name: app\n    metrics_path: /app\n    static_configs:\n"
                    + "      - targets: ['127.0.0.1:" + targets.getAddress().getPort() + "']\n";
            System.out.printf("agent overhead: prometheus %s; %d rounds of %s, warm-up %d s, measured %d s; targets "
                    + "%d + %d series every %d s; agent JVM %s%n", version(), rounds, PHASES, warmup, measure,
                    NODE_SERIES, series, interval, javaOpts);
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            PHASES.forEach(p -> results.put(p, new ArrayList<>()));
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < PHASES.size(); k++) {
                    String phase = PHASES.get((r + k) % PHASES.size());
                    double[] m = b.phase(phase, r, scrape, recvUrl, javaOpts, warmup, measure);
                    results.get(phase).add(m);
                    System.out.printf("round %d %-6s prom RSS mean %6.1f max %6.1f MiB, CPU %.3f s/s | agent RSS "
                            + "mean %6.1f max %6.1f MiB, CPU %.3f s/s (JIT %.3f) | appended %.0f/s, sent %.0f/s, failed %.0f, "
                            + "relay in %.0f/s out %.0f/s%n", r, phase, m[0], m[1], m[2], m[3], m[4], m[5], m[11], m[6],
                            m[7], m[8], m[9], m[10]);
                }
            }
            b.table(results);
        } finally {
            if (receiver != null) {
                receiver.stop();
            }
            targets.stop(0);
            ((java.util.concurrent.ExecutorService) targets.getExecutor()).shutdownNow();
            deleteTree(dir);
        }
        System.out.printf("load at the end: %s", Files.readString(Path.of("/proc/loadavg")));
    }

    /**
     * One phase; returns {prom RSS mean MiB, prom RSS max, prom CPU s/s, agent RSS mean, agent RSS
     * max, agent CPU s/s, appended/s, sent/s, failed samples, relay in/s, relay out/s, agent JIT
     * compiler threads' CPU s/s (part of the agent CPU; a one-off cost of a young JVM)}.
     */
    private double[] phase(String phase, int round, String scrape, String recvUrl, String javaOpts, int warmup,
            int measure) throws Exception {
        Path pdir = Files.createDirectories(dir.resolve(phase + "-" + round));
        Proc agent = null;
        Proc prom = null;
        try {
            String config = scrape;
            String agentBase = null;
            if (phase.equals("direct")) {
                config += "remote_write:\n  - url: " + recvUrl + "\n";
            } else if (phase.equals("relay")) {
                int relayPort = freePort();
                Path ac = Files.writeString(pdir.resolve("agent.yaml"), "data_dir: " + pdir.resolve("agent") + "\n"
                        + "appliance:\n  url: " + recvUrl + "\n"
                        + "relay:\n  listen_address: 127.0.0.1:" + relayPort + "\n");
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                        "--config", ac.toString()));
                agent = new Proc("agent", new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(pdir.resolve("agent.log").toFile()).start(), pdir.resolve("agent.log"));
                agentBase = "http://127.0.0.1:" + relayPort;
                awaitReady(agent, agentBase + "/-/ready");
                config += "remote_write:\n  - url: " + agentBase + "/api/v1/write\n";
            }
            prom = startPrometheus(phase + "-" + round, freePort(), config);
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            Map<String, Double> p0 = scalars(prom.base + "/metrics");
            Map<String, Double> a0 = agentBase == null ? Map.of() : scalars(agentBase + "/metrics");
            double pc0 = cpuSeconds(prom.process.pid());
            double ac0 = agent == null ? 0 : cpuSeconds(agent.process.pid());
            double aj0 = agent == null ? 0 : jitSeconds(agent.process.pid());
            long t0 = System.nanoTime();
            double pSum = 0;
            double pMax = 0;
            double aSum = 0;
            double aMax = 0;
            int n = 0;
            long end = t0 + TimeUnit.SECONDS.toNanos(measure);
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                double pr = rssMib(prom.process.pid());
                double ar = agent == null ? 0 : rssMib(agent.process.pid());
                pSum += pr;
                pMax = Math.max(pMax, pr);
                aSum += ar;
                aMax = Math.max(aMax, ar);
                n++;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double pcpu = (cpuSeconds(prom.process.pid()) - pc0) / secs;
            double acpu = agent == null ? 0 : (cpuSeconds(agent.process.pid()) - ac0) / secs;
            double ajit = agent == null ? 0 : Math.max(0, jitSeconds(agent.process.pid()) - aj0) / secs;
            Map<String, Double> p1 = scalars(prom.base + "/metrics");
            Map<String, Double> a1 = agentBase == null ? Map.of() : scalars(agentBase + "/metrics");
            String app = "prometheus_tsdb_head_samples_appended_total";
            String sent = "prometheus_remote_storage_samples_total";
            String failed = "prometheus_remote_storage_samples_failed_total";
            String in = "cairn_relay_samples_received_total";
            String out = "cairn_relay_samples_sent_total";
            return new double[] {pSum / n, pMax, pcpu, aSum / n, aMax, acpu,
                    delta(p0, p1, app) / secs, delta(p0, p1, sent) / secs, p1.getOrDefault(failed, 0.0),
                    delta(a0, a1, in) / secs, delta(a0, a1, out) / secs, ajit};
        } finally {
            if (prom != null) {
                prom.stop();
            }
            if (agent != null) {
                agent.stop();
            }
            deleteTree(pdir);
        }
    }

    private void table(Map<String, List<double[]>> results) {
        double[] none = median(results.get("none"));
        System.out.println();
        System.out.println("medians | Prometheus RSS mean    max  CPU s/s | vs none: RSS mean    max     CPU s/s |"
                + " agent RSS mean    max  CPU s/s (JIT) | Prom+agent vs none: RSS     CPU s/s | appended/s  sent/s");
        for (String phase : PHASES) {
            double[] m = median(results.get(phase));
            System.out.printf("%-7s | %15.1f %6.1f %8.3f | %+8.1f MiB (%+4.0f%%) %+6.1f%% %+7.3f | %14.1f %6.1f %8.3f (%.3f) |"
                    + " %+12.1f MiB (%+4.0f%%) %+7.3f | %10.0f %7.0f%n", phase, m[0], m[1], m[2],
                    m[0] - none[0], pct(m[0], none[0]), pct(m[1], none[1]), m[2] - none[2], m[3], m[4], m[5], m[11],
                    m[0] + m[3] - none[0], pct(m[0] + m[3], none[0]), m[2] + m[5] - none[2], m[6], m[7]);
        }
        System.out.println("(RSS in MiB, mean and max of 1 s samples; CPU in CPU-seconds per second of wall time; "
                + "vs none = increase over the phase without remote_write; each column the median over the rounds)");
    }

    private static double pct(double x, double base) {
        return 100 * (x - base) / base;
    }

    private static double[] median(List<double[]> runs) {
        double[] out = new double[runs.get(0).length];
        for (int i = 0; i < out.length; i++) {
            int k = i;
            double[] col = runs.stream().mapToDouble(r -> r[k]).sorted().toArray();
            out[i] = col.length % 2 == 1 ? col[col.length / 2] : (col[col.length / 2 - 1] + col[col.length / 2]) / 2;
        }
        return out;
    }

    private static double delta(Map<String, Double> a, Map<String, Double> b, String name) {
        return b.getOrDefault(name, 0.0) - a.getOrDefault(name, 0.0);
    }

    // ---- the targets ----

    static final int NODE_SERIES = 1_100;
    private final AtomicLong scrapes = new AtomicLong();

    private HttpServer startTargets() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setExecutor(Executors.newFixedThreadPool(2));
        s.createContext("/node", ex -> serve(ex, nodeText(scrapes.incrementAndGet())));
        s.createContext("/app", ex -> serve(ex, appText(scrapes.incrementAndGet())));
        s.start();
        return s;
    }

    private static void serve(HttpExchange ex, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }

    /** Node-exporter-like: the usual families, label sets of a 4-CPU VM, moving values. */
    private static byte[] nodeText(long k) {
        StringBuilder sb = new StringBuilder(128 << 10);
        int emitted = 0;
        String[] modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
        family(sb, "node_cpu_seconds_total", "counter");
        for (int c = 0; c < 4; c++) {
            for (String m : modes) {
                sb.append("node_cpu_seconds_total{cpu=\"").append(c).append("\",mode=\"").append(m).append("\"} ")
                        .append(k * 7.3 + c + m.length()).append('\n');
                emitted++;
            }
        }
        String[] mem = {"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree", "Active",
            "Inactive", "Dirty", "Writeback", "Slab", "SReclaimable", "SUnreclaim", "PageTables", "Committed_AS"};
        for (String m : mem) {
            family(sb, "node_memory_" + m + "_bytes", "gauge");
            sb.append("node_memory_").append(m).append("_bytes ").append(8e9 - k * 4096 % 1e8).append('\n');
            emitted++;
        }
        String[] disk = {"reads_completed_total", "writes_completed_total", "read_bytes_total", "written_bytes_total",
            "io_time_seconds_total", "read_time_seconds_total", "write_time_seconds_total", "io_now"};
        for (String d : disk) {
            family(sb, "node_disk_" + d, "counter");
            for (String dev : new String[] {"sda", "sdb", "dm-0", "dm-1"}) {
                sb.append("node_disk_").append(d).append("{device=\"").append(dev).append("\"} ").append(k * 13 + dev.length())
                        .append('\n');
                emitted++;
            }
        }
        String[] fs = {"avail_bytes", "free_bytes", "size_bytes", "files", "files_free", "readonly", "device_error"};
        for (String f : fs) {
            family(sb, "node_filesystem_" + f, "gauge");
            for (String mp : new String[] {"/", "/boot", "/var", "/var/lib/prometheus", "/home", "/tmp"}) {
                sb.append("node_filesystem_").append(f).append("{device=\"/dev/sda1\",fstype=\"ext4\",mountpoint=\"")
                        .append(mp).append("\"} ").append(1e10 - k % 1000).append('\n');
                emitted++;
            }
        }
        String[] net = {"receive_bytes_total", "transmit_bytes_total", "receive_packets_total", "transmit_packets_total",
            "receive_errs_total", "transmit_errs_total", "receive_drop_total", "transmit_drop_total"};
        for (String nm : net) {
            family(sb, "node_network_" + nm, "counter");
            for (String dev : new String[] {"lo", "eth0", "eth1", "docker0"}) {
                sb.append("node_network_").append(nm).append("{device=\"").append(dev).append("\"} ").append(k * 1500)
                        .append('\n');
                emitted++;
            }
        }
        // The long tail (interrupts, softnet, vmstat, netstat, schedstat ...): one family with many series.
        family(sb, "node_interrupts_total", "counter");
        for (int i = 0; emitted < NODE_SERIES; i++) {
            sb.append("node_interrupts_total{cpu=\"").append(i % 4).append("\",devices=\"dev").append(i / 4)
                    .append("\",info=\"edge\",type=\"").append(i / 4).append("\"} ").append(k * (i % 17)).append('\n');
            emitted++;
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An application's /metrics: histograms and counters over handler x method x code x instance labels. */
    private byte[] appText(long k) {
        StringBuilder sb = new StringBuilder(series * 90);
        String[] fams = {"app_http_requests_total", "app_http_request_bytes_total", "app_http_response_bytes_total",
            "app_db_queries_total", "app_cache_hits_total", "app_cache_misses_total", "app_queue_depth",
            "app_worker_busy_seconds_total"};
        int perFamily = Math.max(1, series / fams.length);
        int emitted = 0;
        for (int f = 0; f < fams.length && emitted < series; f++) {
            family(sb, fams[f], f == 6 ? "gauge" : "counter");
            for (int i = 0; i < perFamily && emitted < series; i++, emitted++) {
                sb.append(fams[f]).append("{handler=\"/api/v1/item").append(i % 97).append("\",method=\"")
                        .append(i % 3 == 0 ? "GET" : "POST").append("\",code=\"").append(200 + i % 5)
                        .append("\",shard=\"").append(i / 485).append("\"} ").append(k * (1 + i % 11) + f)
                        .append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void family(StringBuilder sb, String name, String type) {
        sb.append("# HELP ").append(name).append(" bench series.\n# TYPE ").append(name).append(' ').append(type)
                .append('\n');
    }

    // ---- processes ----

    private static final class Proc {
        final String name;
        final Process process;
        final Path log;
        String base;

        Proc(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        /** SIGTERM to this PID, then SIGKILL after 60 s. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private Proc startPrometheus(String name, int port, String config, String... extra) throws Exception {
        Path pdir = Files.createDirectories(dir.resolve("prom-" + name));
        Path cfg = Files.writeString(pdir.resolve("prometheus.yml"), config);
        List<String> cmd = new ArrayList<>(List.of(PROMETHEUS.toString(), "--config.file=" + cfg,
                "--storage.tsdb.path=" + pdir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"));
        cmd.addAll(List.of(extra));
        Path log = pdir.resolve("prometheus.log");
        Proc p = new Proc(name, new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(),
                log);
        p.base = "http://127.0.0.1:" + port;
        awaitReady(p, p.base + "/-/ready");
        return p;
    }

    private void awaitReady(Proc p, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.process.isAlive()) {
                throw new IllegalStateException(p.name + " exited with " + p.process.exitValue() + ": "
                        + Files.readString(p.log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        p.stop();
        throw new IllegalStateException(p.name + " was not ready within 60 s: " + Files.readString(p.log));
    }

    /** Every sample line of a /metrics page, summed per metric name (labels dropped). */
    private Map<String, Double> scalars(String url) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, brace > 0 && brace < space ? brace : line.indexOf(' '));
            try {
                out.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
            } catch (NumberFormatException e) {
                // a timestamped or odd line: not needed here
            }
        }
        return out;
    }

    private static String version() {
        try {
            Process p = new ProcessBuilder(PROMETHEUS.toString(), "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return v.lines().findFirst().orElse("?");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static double rssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return 0;
    }

    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    /** CPU seconds of the JVM's C1/C2 compiler threads. */
    private static double jitSeconds(long pid) throws IOException {
        double total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith("C")
                            && Files.readString(t.resolve("comm")).contains("Compiler")) {
                        String stat = Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return total;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
