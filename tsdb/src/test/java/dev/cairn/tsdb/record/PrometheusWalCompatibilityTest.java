package dev.cairn.tsdb.record;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;
import dev.cairn.tsdb.wal.SegmentReader;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.Wal;
import dev.cairn.tsdb.wal.WalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte compatibility with the real Prometheus (Debian's 2.42 at /usr/bin): our reader and decoder
 * read the WAL it writes (snappy-compressed records), and its promtool reads the WAL we write.
 */
class PrometheusWalCompatibilityTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Polls Prometheus's API until {@code up} has {@code n} samples; at most 30 s. */
    private void awaitScrapes(Process p, int port, int n) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=count_over_time(up%5B1m%5D)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "prometheus exited early: " + Files.readString(tmp.resolve("prometheus.log")));
            try {
                last = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("\\\"value\\\":\\[[0-9.]+,\\\"([0-9]+)\\\"\\]").matcher(last);
                if (m.find() && Integer.parseInt(m.group(1)) >= n) {
                    return;
                }
            } catch (IOException notYetListening) {
                last = notYetListening.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("prometheus did not scrape itself " + n + " times in 30 s; last answer: " + last);
    }

    @Test
    void read_walWrittenByPrometheusScrapingItself_decodesSeriesAndSamples() throws Exception {
        assertTrue(Files.isExecutable(PROMETHEUS), PROMETHEUS + " is missing: install Debian's prometheus package "
                + "(scripts/install-deps.sh); this test needs the real Prometheus");
        int port = freePort();
        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + port + "']\n");
        Path data = tmp.resolve("data");
        Process p = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + data,
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try {
            awaitScrapes(p, port, 3);
        } finally {
            p.destroy(); // SIGTERM: Prometheus closes its WAL cleanly
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }

        RecordDecoder dec = new RecordDecoder(new SymbolTable());
        Map<Long, Labels> series = new HashMap<>();
        List<RefSeries> batch = new ArrayList<>();
        SampleBatch samples = new SampleBatch();
        long sampleCount = 0;
        List<Double> upValues = new ArrayList<>();
        Labels up = Labels.of("__name__", "up", "instance", "127.0.0.1:" + port, "job", "self");
        try (SegmentReader r = SegmentReader.open(data.resolve("wal"))) {
            while (r.next()) {
                ByteReader rec = r.recordReader();
                switch (RecordDecoder.type(rec)) {
                    case SERIES -> {
                        batch.clear();
                        dec.series(rec, batch);
                        for (RefSeries s : batch) {
                            series.put(s.ref(), s.labels());
                        }
                    }
                    case SAMPLES -> {
                        dec.samples(rec, samples);
                        for (int i = 0; i < samples.size(); i++) {
                            Labels l = series.get(samples.ref(i));
                            assertTrue(l != null, "sample for unknown series ref " + samples.ref(i) + " in " + r.segmentFile());
                            if (l.equals(up)) {
                                upValues.add(samples.v(i));
                            }
                        }
                        sampleCount += samples.size();
                    }
                    default -> {
                    }
                }
            }
            assertEquals(null, r.tornTail(), "Prometheus stopped cleanly; its WAL has no torn tail");
        }
        assertTrue(series.containsValue(up), "series " + up + " among " + series.size() + " series");
        assertTrue(series.values().stream().anyMatch(l -> l.get("__name__").equals("prometheus_tsdb_head_series")));
        assertTrue(upValues.size() >= 2, "several scrapes of up, got " + upValues);
        assertTrue(upValues.stream().allMatch(v -> v == 1.0), "up is 1 for a healthy target: " + upValues);
        assertTrue(sampleCount > 5L * series.size() / 2, sampleCount + " samples for " + series.size() + " series");
    }

    @Test
    void promtool_dumpsSamplesFromWalWeWrote() throws Exception {
        assertTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " is missing: install Debian's prometheus package");
        Path db = tmp.resolve("db");
        long t0 = 1_700_000_000_000L;
        RecordEncoder enc = new RecordEncoder();
        ByteWriter w = new ByteWriter();
        try (Wal wal = Wal.open(db.resolve("wal"), WalOptions.defaults().withSyncPolicy(SyncPolicy.ALWAYS))) {
            enc.series(List.of(new RefSeries(1, Labels.of("__name__", "cairn_test", "k", "a")),
                    new RefSeries(2, Labels.of("__name__", "cairn_test", "k", "b"))), w);
            wal.log(w.toByteArray());
            for (int i = 0; i < 3; i++) {
                SampleBatch b = new SampleBatch();
                b.add(1, t0 + i * 15_000L, i + 0.5);
                b.add(2, t0 + i * 15_000L, -i);
                w.reset();
                enc.samples(b, w);
                wal.log(w.toByteArray());
            }
        }
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "dump", db.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool hung");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("{__name__=\"cairn_test\", k=\"a\"} 2.5 " + (t0 + 30_000)), out);
        assertTrue(out.contains("{__name__=\"cairn_test\", k=\"b\"} -1 " + (t0 + 15_000)), out);
        assertEquals(6, out.lines().filter(l -> l.contains("cairn_test")).count(), out);
    }

    @Test
    void promtool_readsRecordsWeSplitAcrossPagesAndSegments() throws Exception {
        assertTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " is missing: install Debian's prometheus package");
        Path db = tmp.resolve("db2");
        long t0 = 1_700_000_000_000L;
        int seriesCount = 3000;
        RecordEncoder enc = new RecordEncoder();
        ByteWriter w = new ByteWriter();
        // 64 KiB segments: the series record (~150 KB) fills pages with first/middle/last fragments and
        // gets a segment of its own; the samples roll over into further segments.
        WalOptions small = WalOptions.defaults().withSegmentSize(2 * 32 * 1024).withSyncPolicy(SyncPolicy.NONE);
        try (Wal wal = Wal.open(db.resolve("wal"), small)) {
            List<RefSeries> series = new ArrayList<>();
            for (int i = 0; i < seriesCount; i++) {
                series.add(new RefSeries(i + 1, Labels.of("__name__", "cairn_split", "i", Integer.toString(i),
                        "pad", "x".repeat(20))));
            }
            enc.series(series, w);
            wal.log(w.toByteArray());
            for (int k = 0; k < 4; k++) {
                SampleBatch b = new SampleBatch();
                for (int i = 0; i < seriesCount; i++) {
                    b.add(i + 1, t0 + k * 10_000L, i * 10 + k);
                }
                w.reset();
                enc.samples(b, w);
                wal.log(w.toByteArray());
            }
        }
        assertTrue(Files.exists(db.resolve("wal").resolve("00000003")), "the WAL rolled over several times");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "dump", db.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool hung");
        assertEquals(0, p.exitValue(), out.length() > 2000 ? out.substring(0, 2000) : out);
        assertEquals(4L * seriesCount, out.lines().filter(l -> l.startsWith("{__name__=\"cairn_split\"")).count());
        assertTrue(out.contains("{__name__=\"cairn_split\", i=\"2999\", pad=\"" + "x".repeat(20) + "\"} 29993 "
                + (t0 + 30_000)), "last sample of the last series");
    }
}
