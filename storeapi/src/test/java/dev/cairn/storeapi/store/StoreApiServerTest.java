package dev.cairn.storeapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.thanos.AggrChunk;
import dev.cairn.storeapi.pb.thanos.InfoResponse;
import dev.cairn.storeapi.pb.thanos.LabelMatcher;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import dev.cairn.storeapi.tls.TlsFiles;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import io.grpc.Status;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StoreAPI over mutual TLS on 127.0.0.1: a real block written by BlockWriter served by
 * {@link StoreApiService} and read back through {@link StoreApiClient}, sample by sample against
 * the block's own querier; refused clients; cancellation and deadlines seen from the server side.
 */
class StoreApiServerTest {
    private static final Instant NOW = Instant.now();
    private static final Labels EXTERNAL = Labels.of("replica", "r1", "site", "lab");
    private static final long STEP = 15_000;
    private static final int SAMPLES = 480; // 2h at 15s

    @TempDir
    static Path dir;

    private static Block block;
    private static CertificateAuthority ca;
    private static Path caPem;
    private static TlsFiles serverFiles;
    private static TlsFiles clientFiles;
    private static StoreApiServer server;
    private static final AtomicInteger opened = new AtomicInteger();
    private static final List<StoreApiServer> extraServers = new ArrayList<>();

    private static TlsFiles issue(CertificateAuthority by, String name, Set<Usage> usages, Instant from, Instant to,
            Path trusted) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        var cert = by.issue(keys.getPublic(), new LeafSpec(name, List.of("localhost"), List.of("127.0.0.1"), usages,
                from, to));
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + ".key");
        Pem.writeCertificates(certFile, cert);
        Pem.writePrivateKey(keyFile, keys.getPrivate());
        return new TlsFiles(certFile, keyFile, trusted);
    }

    @BeforeAll
    static void setUp() throws Exception {
        Random rnd = new Random(42);
        BlockWriter w = BlockWriter.create(dir, BlockWriter.Options.defaults());
        List<Labels> all = new ArrayList<>();
        for (int inst = 0; inst < 5; inst++) {
            for (int cpu = 0; cpu < 4; cpu++) {
                for (String mode : List.of("idle", "user", "system")) {
                    all.add(Labels.of("__name__", "node_cpu_seconds_total", "cpu", String.valueOf(cpu), "instance",
                            "host" + inst + ":9100", "job", "node", "mode", mode));
                }
            }
            all.add(Labels.of("__name__", "node_load1", "instance", "host" + inst + ":9100", "job", "node"));
        }
        all.sort(Labels::compareTo);
        for (Labels l : all) {
            long[] ts = new long[SAMPLES];
            double[] vs = new double[SAMPLES];
            double v = rnd.nextInt(1000);
            for (int i = 0; i < SAMPLES; i++) {
                ts[i] = i * STEP + rnd.nextInt(50); // scrape jitter
                v += l.get("__name__").equals("node_load1") ? rnd.nextGaussian() : rnd.nextDouble() * 15;
                vs[i] = v;
            }
            w.addSeries(l, new ArraySamples(ts, vs));
        }
        w.commit();
        block = Block.open(w.dir());

        ca = CertificateAuthority.create("Cairn StoreAPI test CA", KeyAlgorithm.EC_P256,
                NOW.minus(1, ChronoUnit.DAYS), NOW.plus(365, ChronoUnit.DAYS));
        caPem = dir.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        serverFiles = issue(ca, "store", Set.of(Usage.SERVER), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem);
        clientFiles = issue(ca, "query", Set.of(Usage.CLIENT), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem);
        server = start((mint, maxt) -> {
            opened.incrementAndGet();
            return block.querier(mint, maxt);
        });
    }

    private static StoreApiServer start(QuerierFactory f) throws Exception {
        SslContext tls = GrpcTls.server(serverFiles);
        Supplier<TimeRange> range = () -> new TimeRange(block.meta().minTime(), block.meta().maxTime() - 1);
        return StoreApiServer.start(new InetSocketAddress("127.0.0.1", 0), tls,
                new StoreApiService(f, EXTERNAL, range, StoreType.SIDECAR),
                new InfoApiService(EXTERNAL, range, StoreType.SIDECAR));
    }

    @AfterAll
    static void tearDown() {
        for (StoreApiServer s : extraServers) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        if (block != null) {
            block.close();
        }
    }

    private static StoreApiClient client(StoreApiServer s, TlsFiles files, Duration timeout) throws Exception {
        return StoreApiClient.connect("localhost", s.port(), files, timeout);
    }

    @Test
    void series_overMutualTls_equalsBlockQuerierSampleBySample() throws Exception {
        long from = 100 * STEP + 7; // both bounds fall inside a chunk
        long maxt = 400 * STEP - 3;
        List<Matcher> matchers = List.of(Matcher.equal("job", "node"), Matcher.regex("mode", "idle|user|"),
                Matcher.of(MatchType.NOT_EQUAL, "instance", "host3:9100"));
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(20));
             Querier remote = c.querier(from, maxt);
             Querier local = block.querier(from, maxt)) {
            SeriesSet r = remote.select(matchers);
            SeriesSet l = local.select(matchers);
            int series = 0;
            long samples = 0;
            while (l.next()) {
                assertTrue(r.next(), "remote ended early after " + series + " series");
                Labels expected = l.at().labels().toBuilder().set("replica", "r1").set("site", "lab").build();
                assertEquals(expected, r.at().labels());
                ChunkIterator li = l.at().iterator(null);
                ChunkIterator ri = r.at().iterator(null);
                while (li.next()) {
                    assertTrue(ri.next(), "remote series " + expected + " ended early");
                    assertEquals(li.atT(), ri.atT());
                    assertEquals(Double.doubleToRawLongBits(li.atV()), Double.doubleToRawLongBits(ri.atV()));
                    samples++;
                }
                assertFalse(ri.next(), "remote series " + expected + " has extra samples");
                series++;
            }
            assertFalse(r.next(), "remote has extra series");
            // 4 instances × (4 cpus × 2 modes) + (node_load1 has no mode: matches the empty alternative) 4
            assertEquals(4 * 8 + 4, series);
            assertTrue(samples > series * 200L, "samples " + samples);
        }
    }

    @Test
    void series_chunksAreRawXorOfAtMost120SamplesCoveringTheirTimes() throws Exception {
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(20))) {
            Iterator<SeriesResponse> it = c.stub().series(SeriesRequest.newBuilder().setMinTime(0).setMaxTime(Long.MAX_VALUE)
                    .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("node_load1")).build());
            int series = 0;
            while (it.hasNext()) {
                SeriesResponse r = it.next();
                assertTrue(r.hasSeries());
                int total = 0;
                long prevMax = Long.MIN_VALUE;
                for (AggrChunk ch : r.getSeries().getChunksList()) {
                    byte[] data = ch.getRaw().getData().toByteArray();
                    XorChunk x = XorChunk.wrap(data, 0, data.length);
                    assertTrue(x.numSamples() <= 120 && x.numSamples() > 0, "chunk of " + x.numSamples());
                    ChunkIterator ci = x.iterator(null);
                    assertTrue(ci.next());
                    assertEquals(ch.getMinTime(), ci.atT());
                    assertTrue(ch.getMinTime() > prevMax);
                    long last = ci.atT();
                    while (ci.next()) {
                        last = ci.atT();
                    }
                    assertEquals(ch.getMaxTime(), last);
                    prevMax = last;
                    total += x.numSamples();
                }
                assertEquals(SAMPLES, total);
                assertEquals(4, r.getSeries().getChunksCount()); // 480 = 4 × 120
                series++;
            }
            assertEquals(5, series);
        }
    }

    @Test
    void series_skipChunks_andExternalLabelMatchers() throws Exception {
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(20))) {
            Iterator<SeriesResponse> it = c.stub().series(SeriesRequest.newBuilder().setMinTime(0).setMaxTime(Long.MAX_VALUE)
                    .setSkipChunks(true)
                    .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("node_load1"))
                    .addMatchers(LabelMatcher.newBuilder().setName("replica").setType(LabelMatcher.Type.RE).setValue("r.*"))
                    .build());
            int n = 0;
            while (it.hasNext()) {
                SeriesResponse r = it.next();
                assertEquals(0, r.getSeries().getChunksCount());
                assertTrue(r.getSeries().getLabelsList().stream().anyMatch(l -> l.getName().equals("site")));
                n++;
            }
            assertEquals(5, n);
            Iterator<SeriesResponse> none = c.stub().series(SeriesRequest.newBuilder().setMaxTime(Long.MAX_VALUE)
                    .addMatchers(LabelMatcher.newBuilder().setName("__name__").setValue("node_load1"))
                    .addMatchers(LabelMatcher.newBuilder().setName("replica").setValue("r2")).build());
            assertFalse(none.hasNext());
        }
    }

    @Test
    void series_responseBatchSizeAndLimit() throws Exception {
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(20))) {
            SeriesRequest.Builder req = SeriesRequest.newBuilder().setMinTime(0).setMaxTime(Long.MAX_VALUE)
                    .addMatchers(LabelMatcher.newBuilder().setName("job").setValue("node"));
            List<String> single = new ArrayList<>();
            c.stub().series(req.build()).forEachRemaining(r -> single.add(r.getSeries().getLabelsList().toString()));
            assertEquals(65, single.size()); // 5 hosts × (12 cpu series + node_load1)

            List<String> batched = new ArrayList<>();
            int messages = 0;
            for (Iterator<SeriesResponse> it = c.stub().series(req.setResponseBatchSize(7).build()); it.hasNext(); ) {
                SeriesResponse r = it.next();
                assertTrue(r.hasBatch(), "batched answer holds a single series");
                assertTrue(r.getBatch().getSeriesCount() <= 7);
                r.getBatch().getSeriesList().forEach(x -> batched.add(x.getLabelsList().toString()));
                messages++;
            }
            assertEquals(single, batched);
            assertEquals(10, messages); // ceil(65 / 7)

            int limited = 0;
            for (Iterator<SeriesResponse> it = c.stub().series(req.setResponseBatchSize(0).setLimit(10).build());
                    it.hasNext(); it.next()) {
                limited++;
            }
            assertEquals(10, limited);
        }
    }

    @Test
    void series_badRegexOrOnlyExternalMatchers_isInvalidArgument() throws Exception {
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(20));
             Querier q = c.querier(0, Long.MAX_VALUE)) {
            List<Matcher> bad = List.of(Matcher.equal("job", "node"));
            // Matcher.of would refuse "a(" locally; send it on the wire directly
            var ex = assertThrows(io.grpc.StatusRuntimeException.class, () -> c.stub().series(SeriesRequest.newBuilder()
                    .setMaxTime(10).addMatchers(LabelMatcher.newBuilder().setName("job").setType(LabelMatcher.Type.RE)
                            .setValue("a(")).build()).hasNext());
            assertEquals(Status.Code.INVALID_ARGUMENT, ex.getStatus().getCode());
            assertTrue(ex.getStatus().getDescription().contains("a("), ex.getStatus().getDescription());
            assertTrue(q.select(bad).next());
            var none = assertThrows(io.grpc.StatusRuntimeException.class, () -> c.stub().series(SeriesRequest.newBuilder()
                    .setMaxTime(10).addMatchers(LabelMatcher.newBuilder().setName("site").setValue("lab")).build())
                    .hasNext());
            assertEquals(Status.Code.INVALID_ARGUMENT, none.getStatus().getCode());
        }
    }

    @Test
    void info_labelNames_labelValues() throws Exception {
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(20));
             Querier q = c.querier(0, Long.MAX_VALUE)) {
            InfoResponse info = c.info();
            assertEquals(StoreType.SIDECAR, info.getStoreType());
            assertEquals(block.meta().minTime(), info.getMinTime());
            assertEquals(block.meta().maxTime() - 1, info.getMaxTime());
            assertEquals(1, info.getLabelSetsCount());
            assertEquals("replica", info.getLabelSets(0).getLabels(0).getName());
            var infoApi = dev.cairn.storeapi.pb.thanos.info.InfoGrpc.newBlockingStub(c.channel())
                    .info(dev.cairn.storeapi.pb.thanos.info.InfoRequest.getDefaultInstance());
            assertEquals("sidecar", infoApi.getComponentType());
            assertEquals(info.getMinTime(), infoApi.getStore().getMinTime());
            assertEquals(info.getMaxTime(), infoApi.getStore().getMaxTime());
            assertEquals(Labels.of("replica", "r1", "site", "lab").size(), infoApi.getLabelSets(0).getLabelsCount());
            assertEquals("lab", infoApi.getStore().getTsdbInfos(0).getLabels().getLabels(1).getValue());
            assertEquals(List.of("__name__", "cpu", "instance", "job", "mode", "replica", "site"), q.labelNames(List.of()));
            assertEquals(List.of("__name__", "instance", "job", "replica", "site"),
                    q.labelNames(List.of(Matcher.equal("__name__", "node_load1"))));
            assertEquals(List.of("idle", "system", "user"), q.labelValues("mode", List.of()));
            assertEquals(List.of("host0:9100", "host1:9100"),
                    q.labelValues("instance", List.of(Matcher.regex("instance", "host[01].*"))));
            assertEquals(List.of("r1"), q.labelValues("replica", List.of()));
            assertEquals(List.of(), q.labelValues("mode", List.of(Matcher.equal("site", "elsewhere"))));
        }
    }

    @Test
    void clientWithForeignExpiredOrNoCertificate_isRefused() throws Exception {
        CertificateAuthority foreign = CertificateAuthority.create("Cairn StoreAPI test CA", KeyAlgorithm.EC_P256,
                NOW.minus(1, ChronoUnit.DAYS), NOW.plus(365, ChronoUnit.DAYS));
        TlsFiles foreignClient = issue(foreign, "query-foreign", Set.of(Usage.CLIENT), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem);
        TlsFiles expiredClient = issue(ca, "query-expired", Set.of(Usage.CLIENT), NOW.minus(30, ChronoUnit.DAYS),
                NOW.minus(1, ChronoUnit.DAYS), caPem);
        TlsFiles noCertificate = new TlsFiles(null, null, caPem);
        int before = opened.get();
        for (TlsFiles f : List.of(foreignClient, expiredClient, noCertificate)) {
            try (StoreApiClient c = client(server, f, Duration.ofSeconds(10));
                 Querier q = c.querier(0, Long.MAX_VALUE)) {
                StoreApiException e = assertThrows(StoreApiException.class,
                        () -> q.select(List.of(Matcher.equal("job", "node"))).next(), "client " + f.certificate());
                assertEquals(Status.Code.UNAVAILABLE, e.code(), e.getMessage());
            }
        }
        assertEquals(before, opened.get(), "a refused client reached the storage");
        // and the good client still works on the same server
        try (StoreApiClient c = client(server, clientFiles, Duration.ofSeconds(10))) {
            assertEquals(StoreType.SIDECAR, c.info().getStoreType());
        }
    }

    @Test
    void cancellationMidStream_stopsServerIteration() throws Exception {
        int total = 1_000_000;
        AtomicReference<GeneratedQuerier> made = new AtomicReference<>();
        StoreApiServer s = start((mint, maxt) -> {
            GeneratedQuerier g = new GeneratedQuerier(total, 0);
            made.set(g);
            return g;
        });
        extraServers.add(s);
        try (StoreApiClient c = client(s, clientFiles, Duration.ofSeconds(30))) {
            Querier q = c.querier(0, Long.MAX_VALUE);
            SeriesSet set = q.select(List.of(Matcher.equal("__name__", "gen")));
            for (int i = 0; i < 10; i++) {
                assertTrue(set.next());
            }
            q.close(); // cancels the stream
            GeneratedQuerier g = made.get();
            assertTrue(g.closed.await(10, TimeUnit.SECONDS), "server did not close its querier after the cancel");
            long atClose = g.pulled.get();
            Thread.sleep(200);
            assertEquals(atClose, g.pulled.get(), "server kept iterating after the cancel");
            // flow control bounded what ran ahead of the client: far from the whole set
            assertTrue(atClose < total / 10, "server pulled " + atClose + " of " + total);
        }
    }

    @Test
    void slowStorage_pastDeadline_isDeadlineExceeded_andServerStops() throws Exception {
        AtomicReference<GeneratedQuerier> made = new AtomicReference<>();
        StoreApiServer s = start((mint, maxt) -> {
            GeneratedQuerier g = new GeneratedQuerier(1000, 50);
            made.set(g);
            return g;
        });
        extraServers.add(s);
        try (StoreApiClient c = client(s, clientFiles, Duration.ofMillis(1000));
             Querier q = c.querier(0, Long.MAX_VALUE)) {
            // connect and handshake first, so the deadline is spent on the Series call, not on TLS
            dev.cairn.storeapi.pb.thanos.StoreGrpc.newBlockingStub(c.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .info(dev.cairn.storeapi.pb.thanos.InfoRequest.getDefaultInstance());
            SeriesSet set = q.select(List.of(Matcher.equal("__name__", "gen")));
            StoreApiException e = assertThrows(StoreApiException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    set.next();
                }
            });
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.getMessage());
            GeneratedQuerier g = made.get();
            assertTrue(g != null, "the Series call never reached the server");
            assertTrue(g.closed.await(10, TimeUnit.SECONDS), "server did not stop after the deadline");
            assertTrue(g.pulled.get() < 1000, "server pulled " + g.pulled.get());
        }
    }
}
