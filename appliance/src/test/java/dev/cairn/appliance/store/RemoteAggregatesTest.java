package dev.cairn.appliance.store;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.query.HintedStoreQuerier;
import dev.cairn.storeapi.pb.thanos.Aggr;
import dev.cairn.storeapi.pb.thanos.AggrChunk;
import dev.cairn.storeapi.pb.thanos.Chunk;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.LabelMatcher;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.store.StoreApiClient;
import dev.cairn.storeapi.store.StoreApiServer;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.ChunkSeriesCursor;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.downsample.AggrType;
import dev.cairn.tsdb.downsample.Downsampler;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.ship.Upload;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.SeriesSet;
import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Downsampled data over remote StoreAPI endpoints. The query layer sends what a Thanos querier sends
 * (aggregates for the function, max_resolution_window, query hints), and reads what comes back: a Thanos
 * store's aggregate chunks (count/sum/min/max/counter, here from a store serving a real 5m block the way
 * Thanos's does) decode to exactly the samples the local store gateway reads from that block; and a stack of
 * two appliances whose lower one holds only 5m and 1h blocks answers rate, max_over_time and avg_over_time
 * through the upper one exactly as the lower one answers them itself.
 */
class RemoteAggregatesTest {
    static final long H = 3_600_000L;
    static final long START = Workload.T0;
    static final long END = Workload.T0 + 48 * H;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;
    static Path block5m;
    static Path block1h;

    @BeforeAll
    static void blocks() throws Exception {
        Path rawDir = new Workload(3, START, END).writeBlock(tmp.resolve("raw"), START, END, BucketStoreTest.EXT);
        Path ds = tmp.resolve("downsampled");
        BlockMeta m5;
        BlockMeta m1h;
        try (Block raw = Block.open(rawDir)) {
            m5 = new Downsampler(ds).downsample(raw, Downsampler.RES_5M);
        }
        try (Block b5 = Block.open(ds.resolve(m5.ulid().toString()))) {
            m1h = new Downsampler(ds).downsample(b5, Downsampler.RES_1H);
        }
        block5m = ds.resolve(m5.ulid().toString());
        block1h = ds.resolve(m1h.ulid().toString());
    }

    @Test
    void aggregateChunksOfAThanosStore_decodeToTheLocalStoreGatewaysSamples_andTheRequestCarriesTheHints()
            throws Exception {
        List<SeriesRequest> asked = new CopyOnWriteArrayList<>();
        try (FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("bucket-local"));
             Block block = Block.open(block5m)) {
            Upload.upload(bucket, block5m, Upload.Options.of(BucketStoreTest.EXT, "compactor"));
            try (BucketStore local = new BucketStore(bucket, 64 << 20)) {
                local.sync();
                StoreApiServer server = StoreApiServer.start(new InetSocketAddress("127.0.0.1", 0), (SslContext) null,
                        new ThanosLikeStore(block, asked));
                try (StoreApiClient client = StoreApiClient.connect("127.0.0.1", server.port(), (SslContext) null,
                        Duration.ofSeconds(30))) {
                    long mint = START + 6 * H;
                    long maxt = END - 6 * H;
                    long step = 30 * 60_000;
                    String[][] cases = {
                        {"rate", "http_requests_total", "COUNTER"},
                        {"max_over_time", "node_load1", "MAX"},
                        {"min_over_time", "node_memory_MemAvailable_bytes", "MIN"},
                        {"count_over_time", "node_load1", "COUNT"},
                        {"sum_over_time", "node_load1", "SUM"},
                        {"avg_over_time", "node_load1", "COUNT,SUM"},
                        {"", "node_load1", "COUNT,SUM"},
                    };
                    for (String[] c : cases) {
                        SelectHints hints = new SelectHints(mint, maxt, step, c[0], c[0].isEmpty() ? 0 : H,
                                SelectHints.AUTO);
                        List<Matcher> m = List.of(Matcher.equal("__name__", c[1]));
                        String want;
                        try (Querier q = local.querier(mint, maxt)) {
                            want = dump(q.select(hints, m));
                        }
                        String got;
                        try (Querier q = new HintedStoreQuerier("thanos-like", client.channel(), 30_000,
                                client.querier(mint, maxt), mint, maxt, w -> { })) {
                            got = dump(q.select(hints, m));
                        }
                        assertTrue(want.lines().count() > 100, c[0] + ": " + want.length());
                        assertEquals(want, got, c[0] + "(" + c[1] + ")");
                        SeriesRequest r = asked.get(asked.size() - 1);
                        assertEquals(c[2], String.join(",", r.getAggregatesList().stream().map(Aggr::name).toList()),
                                c[0]);
                        assertEquals(step / 5, r.getMaxResolutionWindow(), c[0]);
                        assertEquals(c[0], r.getQueryHints().getFunc().getName());
                        assertEquals(step, r.getQueryHints().getStepMillis());
                        assertEquals(hints.range(), r.getQueryHints().getRange().getMillis());
                        assertEquals(mint, r.getMinTime());
                        assertEquals(maxt, r.getMaxTime());
                    }
                } finally {
                    server.close();
                }
            }
        }
    }

    @Test
    void stackedAppliances_lowerHoldingOnlyDownsampledBlocks_answerThroughTheUpperAsTheLowerDoes() throws Exception {
        ApplianceConfig lowerConfig = config("lower", List.of());
        try (FilesystemBucket b = FilesystemBucket.open(lowerConfig.bucketDir())) {
            Upload.upload(b, block5m, Upload.Options.of(BucketStoreTest.EXT, "compactor"));
            Upload.upload(b, block1h, Upload.Options.of(BucketStoreTest.EXT, "compactor"));
        }
        try (ApplianceMain lower = ApplianceMain.start(lowerConfig);
             ApplianceMain upper = ApplianceMain.start(config("upper",
                     List.of(new ApplianceConfig.StoreEndpoint("127.0.0.1", lower.grpcPort(), null))))) {
            assertEquals(2, lower.store().blocks().size());
            assertTrue(lower.db().blocks().isEmpty() && upper.store().blocks().isEmpty(), "only the lower bucket holds data");
            // a 30 min step reads the 5m block (auto resolution: a fifth of the step), a 6 h step the 1h block
            String[][] cases = {
                {"rate(http_requests_total[1h])", "1800"},
                {"max_over_time(node_load1[1h])", "1800"},
                {"avg_over_time(node_load1[1h])", "1800"},
                {"sum by (instance) (rate(node_cpu_seconds_total[2h]))", "1800"},
                {"rate(http_requests_total[6h])", "21600"},
                {"max_over_time(node_load1[6h])", "21600"},
                {"avg_over_time(node_load1[6h])", "21600"},
            };
            for (String[] c : cases) {
                String path = "/api/v1/query_range?query=" + URLEncoder.encode(c[0], StandardCharsets.UTF_8)
                        + "&start=" + (START + 6 * H) / 1000 + "&end=" + (END - 2 * H) / 1000 + "&step=" + c[1];
                String own = get(lower, path);
                String stacked = get(upper, path);
                assertTrue(own.startsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{"),
                        c[0] + ": " + own);
                assertFalse(stacked.contains("warnings"), stacked);
                assertEquals(own, stacked, c[0] + " at step " + c[1]);
                String instant = "/api/v1/query?query=" + URLEncoder.encode(c[0], StandardCharsets.UTF_8) + "&time="
                        + (START + 30 * H) / 1000;
                assertEquals(get(lower, instant), get(upper, instant), c[0] + " instant");
            }
        }
    }

    private ApplianceConfig config(String name, List<ApplianceConfig.StoreEndpoint> endpoints) {
        ApplianceConfig d = ApplianceConfig.defaults();
        return d.withDataDir(tmp.resolve(name)).withHttp(new ApplianceConfig.Http("127.0.0.1", 0))
                .withGrpc(new ApplianceConfig.Http("127.0.0.1", 0))
                .withQuery(d.query().withEndpoints(endpoints))
                .withCompact(new ApplianceConfig.Compact(false, null, Duration.ofMinutes(5), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO));
    }

    private static String get(ApplianceMain m, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort() + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** Every series' labels and samples, a line per sample. */
    private static String dump(SeriesSet set) {
        StringBuilder sb = new StringBuilder();
        while (set.next()) {
            // the local store adds the block's external labels, the Thanos-like one does not
            Labels all = set.at().labels();
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < all.size(); i++) {
                if (!BucketStoreTest.EXT.containsKey(all.name(i))) {
                    l.append(all.name(i)).append('=').append(all.value(i)).append(',');
                }
            }
            ChunkIterator it = set.at().iterator(null);
            while (it.next()) {
                sb.append(l).append(' ').append(it.atT()).append(' ').append(it.atV()).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A StoreAPI store that answers as Thanos's store gateway does for a downsampled block: each chunk an
     * AggrChunk with its count, sum, min, max and counter sub-chunks and no raw chunk, whatever aggregates are
     * asked (Thanos sends the ones asked; sending all must not change what the querier reads).
     */
    private static final class ThanosLikeStore extends StoreGrpc.StoreImplBase {
        private final Block block;
        private final List<SeriesRequest> asked;

        ThanosLikeStore(Block block, List<SeriesRequest> asked) {
            this.block = block;
            this.asked = asked;
        }

        @Override
        public void series(SeriesRequest request, StreamObserver<SeriesResponse> out) {
            asked.add(request);
            String name = "";
            for (LabelMatcher m : request.getMatchersList()) {
                if (m.getName().equals("__name__")) {
                    name = m.getValue();
                }
            }
            ChunkSeriesCursor c = block.chunkSeries();
            while (c.next()) {
                if (!c.labels().get("__name__").equals(name)) {
                    continue;
                }
                dev.cairn.storeapi.pb.thanos.Series.Builder s = dev.cairn.storeapi.pb.thanos.Series.newBuilder();
                c.labels().forEach((n, v) -> s.addLabels(Label.newBuilder().setName(n).setValue(v)));
                long[] refs = c.chunks();
                for (int i = 0; i < refs.length; i += 3) {
                    if (refs[i + 2] < request.getMinTime() || refs[i + 1] > request.getMaxTime()) {
                        continue;
                    }
                    dev.cairn.tsdb.downsample.AggrChunk a = dev.cairn.tsdb.downsample.AggrChunk.of(
                            block.chunks().chunk(refs[i]));
                    AggrChunk.Builder ac = AggrChunk.newBuilder().setMinTime(refs[i + 1]).setMaxTime(refs[i + 2]);
                    for (AggrType t : AggrType.values()) {
                        if (!a.has(t)) {
                            continue;
                        }
                        Chunk ch = Chunk.newBuilder().setType(Chunk.Encoding.XOR)
                                .setData(ByteString.copyFrom(a.get(t).bytes(), 0, a.get(t).length())).build();
                        switch (t) {
                            case COUNT -> ac.setCount(ch);
                            case SUM -> ac.setSum(ch);
                            case MIN -> ac.setMin(ch);
                            case MAX -> ac.setMax(ch);
                            case COUNTER -> ac.setCounter(ch);
                        }
                    }
                    s.addChunks(ac);
                }
                out.onNext(SeriesResponse.newBuilder().setSeries(s).build());
            }
            out.onCompleted();
        }
    }
}
