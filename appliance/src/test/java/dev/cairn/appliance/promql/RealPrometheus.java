package dev.cairn.appliance.promql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.tsdb.labels.Labels;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's /usr/bin/prometheus (2.42) on 127.0.0.1, a free port and a fresh data directory, fed through
 * its remote-write receiver (which keeps stale markers bit for bit, unlike text backfill) and asked
 * through /api/v1/query. Fails loudly when the binary is missing.
 */
final class RealPrometheus implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final Path dir;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private RealPrometheus(Process process, Path dir, String base) {
        this.process = process;
        this.dir = dir;
        this.base = base;
    }

    static RealPrometheus start() throws IOException, InterruptedException {
        return start(List.of());
    }

    /** Starts with extra command-line flags, e.g. {@code --query.max-samples=100}. */
    static RealPrometheus start(List<String> extraFlags) throws IOException, InterruptedException {
        return start(extraFlags, null);
    }

    /** Starts on an existing data directory (which it may change) when {@code dataDir} is not null. */
    static RealPrometheus start(List<String> extraFlags, Path dataDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's prometheus package "
                    + "(apt-get install prometheus); PromQL answers are verified against it");
        }
        Path dir = Files.createTempDirectory("cairn-promql-eval");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\n  evaluation_interval: 1m\n");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + (dataDir != null ? dataDir : dir.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver", "--storage.tsdb.retention.time=100y",
                "--query.lookback-delta=5m"));
        cmd.addAll(extraFlags);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        RealPrometheus live = new RealPrometheus(p, dir, "http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int attempt = 0; attempt < 600 && System.nanoTime() < deadline; attempt++) {
            if (!p.isAlive()) {
                String log = Files.readString(dir.resolve("prometheus.log"));
                live.close();
                throw new IllegalStateException("prometheus exited at start-up:\n" + log);
            }
            if (live.ready()) {
                return live;
            }
            Thread.sleep(50);
        }
        live.close();
        throw new IllegalStateException("prometheus on port " + port + " not ready within 30 s");
    }

    private boolean ready() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Remote-writes the series (each in time order) in one request, earliest-starting series first. */
    void write(List<Object[]> series) throws IOException, InterruptedException {
        List<Object[]> sorted = new ArrayList<>(series);
        sorted.removeIf(s -> ((long[]) s[1]).length == 0);
        sorted.sort(Comparator.comparingLong(s -> ((long[]) s[1])[0]));
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        for (Object[] s : sorted) {
            Labels l = (Labels) s[0];
            long[] ts = (long[]) s[1];
            double[] vs = (double[]) s[2];
            ByteArrayOutputStream tsMsg = new ByteArrayOutputStream();
            for (int i = 0; i < l.size(); i++) {
                ByteArrayOutputStream lab = new ByteArrayOutputStream();
                bytesField(lab, 1, l.name(i).getBytes(StandardCharsets.UTF_8));
                bytesField(lab, 2, l.value(i).getBytes(StandardCharsets.UTF_8));
                bytesField(tsMsg, 1, lab.toByteArray());
            }
            for (int i = 0; i < ts.length; i++) {
                ByteArrayOutputStream smp = new ByteArrayOutputStream();
                smp.write(1 << 3 | 1);
                long bits = Double.doubleToRawLongBits(vs[i]);
                for (int b = 0; b < 8; b++) {
                    smp.write((int) (bits >>> (8 * b)) & 0xff);
                }
                smp.write(2 << 3);
                varint(smp, ts[i]);
                bytesField(tsMsg, 2, smp.toByteArray());
            }
            bytesField(req, 1, tsMsg.toByteArray());
        }
        byte[] body = snappyLiteral(req.toByteArray());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("remote write to prometheus: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] b) {
        varint(out, (long) field << 3 | 2);
        varint(out, b.length);
        out.writeBytes(b);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A valid snappy block made of literals only (no compression needed for a test). */
    private static byte[] snappyLiteral(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 16);
        varint(out, data.length);
        for (int off = 0; off < data.length; off += 65536) {
            int len = Math.min(65536, data.length - off);
            int n = len - 1;
            out.write(61 << 2);
            out.write(n & 0xff);
            out.write((n >>> 8) & 0xff);
            out.write(data, off, len);
        }
        return out.toByteArray();
    }

    private static String seconds(long ms) {
        return Math.floorDiv(ms, 1000) + "." + String.format("%03d", Math.floorMod(ms, 1000));
    }

    /** Prometheus's answer to an instant query: a Value, or the error message in {@code error[0]}. */
    Value query(String expr, long timeMs, String[] error) throws IOException, InterruptedException {
        return call("/api/v1/query", "query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&time="
                + seconds(timeMs), timeMs, error);
    }

    /** Prometheus's answer to a range query: a Matrix, or the error message in {@code error[0]}. */
    Value queryRange(String expr, long startMs, long endMs, long stepMs, String[] error)
            throws IOException, InterruptedException {
        return call("/api/v1/query_range", "query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&start="
                + seconds(startMs) + "&end=" + seconds(endMs) + "&step=" + seconds(stepMs), startMs, error);
    }

    private Value call(String path, String body, long timeMs, String[] error) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = json.readTree(r.body());
        if (!"success".equals(n.path("status").asText())) {
            String msg = n.path("error").asText();
            String prefix = "invalid parameter \"query\": ";
            error[0] = msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
            return null;
        }
        JsonNode data = n.path("data");
        JsonNode result = data.path("result");
        switch (data.path("resultType").asText()) {
            case "scalar":
                return new Scalar(timeMs, value(result.get(1).asText()));
            case "string":
                return new StringValue(timeMs, result.get(1).asText());
            case "vector": {
                List<Sample> out = new ArrayList<>();
                for (JsonNode s : result) {
                    Labels.Builder b = Labels.builder();
                    for (Map.Entry<String, JsonNode> e : s.path("metric").properties()) {
                        b.set(e.getKey(), e.getValue().asText());
                    }
                    out.add(new Sample(b.build(), timeMs, value(s.path("value").get(1).asText())));
                }
                return new Vector(out);
            }
            default: {
                List<Series> out = new ArrayList<>();
                for (JsonNode s : result) {
                    Labels.Builder b = Labels.builder();
                    for (Map.Entry<String, JsonNode> e : s.path("metric").properties()) {
                        b.set(e.getKey(), e.getValue().asText());
                    }
                    JsonNode vals = s.path("values");
                    long[] ts = new long[vals.size()];
                    double[] vs = new double[vals.size()];
                    for (int i = 0; i < vals.size(); i++) {
                        ts[i] = Math.round(vals.get(i).get(0).asDouble() * 1000);
                        vs[i] = value(vals.get(i).get(1).asText());
                    }
                    out.add(new Series(b.build(), ts, vs));
                }
                return new Matrix(out);
            }
        }
    }

    static double value(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
