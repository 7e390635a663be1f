package dev.cairn.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.storeapi.pb.thanos.InfoResponse;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import dev.cairn.storeapi.store.StoreApiClient;
import dev.cairn.storeapi.store.StoreApiException;
import dev.cairn.storeapi.tls.TlsFiles;
import io.grpc.Status;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.ship.Shipper;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar and the shipper checks against the real Debian Prometheus: {@code labelled} has external
 * labels, scrapes itself every second and runs with local compaction off (2h/2h);
 * {@code bare} has no external labels and compacts locally (2h/4h).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarPrometheusIT {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private LocalPrometheus labelled;
    private LocalPrometheus bare;

    @BeforeAll
    void startPrometheus() throws Exception {
        labelled = new LocalPrometheus(dir.resolve("labelled"), """
                global:
                  scrape_interval: 1s
                  external_labels: {cluster: c1, replica: "0"}
                scrape_configs:
                  - job_name: self
                    static_configs: [{targets: ['127.0.0.1:${PORT}']}]
                """, "--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=2h");
        bare = new LocalPrometheus(dir.resolve("bare"), "global: {scrape_interval: 1m}\nscrape_configs: []\n",
                "--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=4h");
    }

    @AfterAll
    void stopPrometheus() throws Exception {
        if (labelled != null) {
            labelled.close();
        }
        if (bare != null) {
            bare.close();
        }
    }

    private static Sidecar.Options options(LocalPrometheus p) {
        return new Sidecar.Options(p.uri(""), p.dataDir, new InetSocketAddress("127.0.0.1", 0), null, TIMEOUT);
    }

    /** {@code up[1m]} at {@code tMs} as Prometheus's query API answers it: timestamp → value. */
    private Map<Long, Double> promRange(LocalPrometheus p, String query, long tMs) throws Exception {
        String q = "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + tMs / 1000.0;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(p.uri(q)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode result = json.readTree(r.body()).path("data").path("result");
        assertTrue(result.size() <= 1, "Prometheus answered " + query + " with " + r.body());
        Map<Long, Double> out = new TreeMap<>();
        if (result.isEmpty()) {
            return out; // nothing scraped yet
        }
        for (JsonNode v : result.get(0).path("values")) {
            out.put(Math.round(v.get(0).asDouble() * 1000), Double.parseDouble(v.get(1).asText()));
        }
        return out;
    }

    @Test
    void series_up_hasExternalLabels_andPrometheusSamples() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long tMs;
        Map<Long, Double> want;
        do {
            Thread.sleep(500);
            // 2 s back: every scrape stamped at or before tMs has been appended by now
            tMs = System.currentTimeMillis() - 2000;
            want = promRange(labelled, "up[1m]", tMs);
        } while (want.size() < 3 && System.nanoTime() < deadline);
        assertTrue(want.size() >= 3, "Prometheus scraped itself fewer than 3 times in 30 s: " + want);

        try (Sidecar sidecar = Sidecar.start(options(labelled));
             StoreApiClient client = StoreApiClient.connect("127.0.0.1", sidecar.port(), (SslContext) null, TIMEOUT)) {
            assertEquals(Labels.of("cluster", "c1", "replica", "0"), sidecar.externalLabels());
            Map<Long, Double> got = new TreeMap<>();
            try (Querier q = client.querier(tMs - 60_000, tMs)) {
                SeriesSet set = q.select(List.of(Matcher.equal("__name__", "up")));
                assertTrue(set.next(), "the sidecar returned no series for up");
                assertEquals(Labels.of("__name__", "up", "cluster", "c1", "instance", "127.0.0.1:" + labelled.port,
                        "job", "self", "replica", "0"), set.at().labels());
                ChunkIterator it = set.at().iterator(null);
                while (it.next()) {
                    got.put(it.atT(), it.atV());
                }
                assertFalse(set.next(), "more than one up series");
            }
            assertEquals(want, got);

            // matchers on external labels are settled by the sidecar
            try (Querier q = client.querier(tMs - 60_000, tMs)) {
                assertTrue(q.select(List.of(Matcher.equal("cluster", "c1"), Matcher.equal("__name__", "up"))).next());
                assertFalse(q.select(List.of(Matcher.equal("cluster", "c2"), Matcher.equal("__name__", "up"))).next());
            }

            InfoResponse info = client.info();
            Map<String, String> announced = new TreeMap<>();
            for (Label l : info.getLabelsList()) {
                announced.put(l.getName(), l.getValue());
            }
            assertEquals(Map.of("cluster", "c1", "replica", "0"), announced);
            long first = want.keySet().iterator().next();
            assertTrue(info.getMinTime() <= first, "Info min time " + info.getMinTime() + " is after the sample at " + first);
            assertEquals(Long.MAX_VALUE, info.getMaxTime());
        }
    }

    @Test
    void series_overMutualTls_needsAClientCertificateOfTheCa() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("sidecar test CA", KeyAlgorithm.EC_P256,
                now.minus(1, ChronoUnit.DAYS), now.plus(10, ChronoUnit.DAYS));
        Path caPem = dir.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        TlsFiles server = issue(ca, "sidecar", Usage.SERVER, caPem, now);
        TlsFiles client = issue(ca, "querier", Usage.CLIENT, caPem, now);
        Sidecar.Options o = options(labelled);
        Sidecar.Options tls = new Sidecar.Options(o.prometheus(), o.dataDir(), o.listen(), server, o.timeout());
        try (Sidecar sidecar = Sidecar.start(tls)) {
            try (StoreApiClient c = StoreApiClient.connect("127.0.0.1", sidecar.port(), client, TIMEOUT);
                 Querier q = c.querier(0, Long.MAX_VALUE)) {
                assertTrue(q.select(List.of(Matcher.equal("__name__", "up"))).next(), "no up over mTLS");
            }
            try (StoreApiClient c = StoreApiClient.connect("127.0.0.1", sidecar.port(), new TlsFiles(null, null, caPem),
                    TIMEOUT); Querier q = c.querier(0, Long.MAX_VALUE)) {
                StoreApiException e = assertThrows(StoreApiException.class,
                        () -> q.select(List.of(Matcher.equal("__name__", "up"))).next());
                assertEquals(Status.Code.UNAVAILABLE, e.code(), e.getMessage());
            }
        }
    }

    private static TlsFiles issue(CertificateAuthority ca, String name, Usage usage, Path caPem, Instant now)
            throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate cert = ca.issue(keys.getPublic(), new LeafSpec(name, List.of("localhost"), List.of("127.0.0.1"),
                Set.of(usage), now.minus(1, ChronoUnit.HOURS), now.plus(1, ChronoUnit.DAYS)));
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Pem.writeCertificates(certFile, cert);
        Pem.writePrivateKey(keyFile, keys.getPrivate());
        return new TlsFiles(certFile, keyFile, caPem);
    }

    @Test
    void start_withoutExternalLabels_isRefusedWithHowToFix() {
        SidecarException e = assertThrows(SidecarException.class, () -> Sidecar.start(options(bare)));
        assertTrue(e.getMessage().contains("external_labels") && e.getMessage().contains("prometheus.yml")
                && e.getMessage().contains("global"), e.getMessage());
    }

    @Test
    void shipper_equalBlockDurations_pass_differing_areRefused() throws Exception {
        PrometheusApi ok = new PrometheusApi(labelled.uri(""), TIMEOUT);
        Shipper shipper = ShipperRunner.create(ok, labelled.dataDir, dir.resolve("ok-shipper.json"),
                FilesystemBucket.open(dir.resolve("bucket-ok")));
        assertEquals(0, shipper.shipped().size());

        PrometheusApi compacting = new PrometheusApi(bare.uri(""), TIMEOUT);
        SidecarException e = assertThrows(SidecarException.class, () -> ShipperRunner.create(compacting,
                bare.dataDir, dir.resolve("bare-shipper.json"), FilesystemBucket.open(dir.resolve("bucket-bare"))));
        assertTrue(e.getMessage().contains("storage.tsdb.max-block-duration=4h")
                && e.getMessage().contains("--storage.tsdb.min-block-duration=2h --storage.tsdb.max-block-duration=2h"),
                e.getMessage());
    }

    @Test
    void shipper_uploadsEachBlockOnce_withSidecarMeta_andKeepsItAfterLocalDeletion() throws Exception {
        Path blocks = makeBlocks(dir.resolve("blocks"));
        List<Path> local;
        try (Stream<Path> s = Files.list(blocks)) {
            local = s.filter(p -> Files.isRegularFile(p.resolve("meta.json"))).sorted().toList();
        }
        assertTrue(local.size() >= 2, "promtool made " + local + " from 3 h of data");

        FilesystemBucket bucket = FilesystemBucket.open(dir.resolve("bucket"));
        Shipper shipper = ShipperRunner.create(new PrometheusApi(labelled.uri(""), TIMEOUT), blocks,
                dir.resolve("shipper.json"), bucket);
        assertEquals(local.size(), shipper.sync().uploaded().size());
        assertEquals(0, shipper.sync().uploaded().size(), "a second sync uploaded again");

        for (Path b : local) {
            String ulid = b.getFileName().toString();
            JsonNode meta;
            try (InputStream in = bucket.get(ulid + "/meta.json")) {
                meta = json.readTree(in);
            }
            assertEquals("sidecar", meta.path("thanos").path("source").asText(), meta.toString());
            assertEquals(Map.of("cluster", "c1", "replica", "0"),
                    json.convertValue(meta.path("thanos").path("labels"), Map.class));
        }

        Path gone = local.get(0);
        String ulid = gone.getFileName().toString();
        Map<String, Long> files = fileSizes(gone);
        deleteTree(gone);
        assertEquals(0, shipper.sync().uploaded().size());
        for (Map.Entry<String, Long> f : files.entrySet()) {
            String name = ulid + "/" + f.getKey();
            assertTrue(bucket.exists(name), name + " vanished from the bucket");
            if (!f.getKey().equals("meta.json")) { // meta.json gains the thanos section
                assertEquals(f.getValue(), bucket.attributes(name).size(), name);
            }
        }
    }

    @Test
    void runner_shipsOnItsOwnTimer_untilClosed() throws Exception {
        Path blocks = makeBlocks(dir.resolve("timed-blocks"));
        FilesystemBucket bucket = FilesystemBucket.open(dir.resolve("timed-bucket"));
        List<String> want;
        try (Stream<Path> s = Files.list(blocks)) {
            want = s.filter(p -> Files.isRegularFile(p.resolve("meta.json")))
                    .map(p -> p.getFileName() + "/meta.json").sorted().toList();
        }
        try (ShipperRunner runner = ShipperRunner.start(new PrometheusApi(labelled.uri(""), TIMEOUT), blocks,
                dir.resolve("timed-shipper.json"), bucket, Duration.ofMillis(200))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!want.stream().allMatch(bucket::exists) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        for (String n : want) {
            assertTrue(bucket.exists(n), n + " not shipped within 20 s");
        }
    }

    /** 3 h of two gauges at 1-minute steps, turned into 2h-aligned blocks by promtool. */
    private static Path makeBlocks(Path out) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            throw new IllegalStateException(promtool + " is missing: install Debian's prometheus package");
        }
        Files.createDirectories(out);
        StringBuilder om = new StringBuilder("# HELP demo_temp a gauge\n# TYPE demo_temp gauge\n");
        long start = 1_700_000_000L - 1_700_000_000L % 7200;
        for (int host = 0; host < 2; host++) {
            for (int m = 0; m < 180; m++) {
                om.append("demo_temp{host=\"h").append(host).append("\"} ").append(m * 0.5 + host)
                        .append(' ').append(start + m * 60L).append('\n');
            }
        }
        om.append("# EOF\n");
        Path input = out.resolveSibling("input.om");
        Files.writeString(input, om);
        Path log = out.resolveSibling("promtool.log");
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics",
                input.toString(), out.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish in 60 s: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("promtool failed: " + Files.readString(log));
        }
        return out;
    }

    private static Map<String, Long> fileSizes(Path block) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(block)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(block.relativize(f).toString().replace('\\', '/'), Files.size(f));
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
