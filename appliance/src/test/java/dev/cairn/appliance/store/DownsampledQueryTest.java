package dev.cairn.appliance.store;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.Matrix;
import dev.cairn.appliance.promql.QueryResult;
import dev.cairn.appliance.promql.Series;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.downsample.Downsampler;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.ship.Upload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.storeapi.pb.thanos.Aggr;
import dev.cairn.storeapi.pb.thanos.LabelMatcher;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.store.StoreApiClient;
import dev.cairn.storeapi.store.StoreApiServer;
import dev.cairn.storeapi.store.StoreApiService;
import dev.cairn.storeapi.store.TimeRange;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorChunk;
import io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Downsampled blocks in the bucket answer PromQL close to the raw data they came from, the store
 * reading the aggregate the function asks for (Thanos's rule): a raw 48h block, the 5m block our
 * {@link Downsampler} makes of it and the 1h block made of that, each in its own bucket, asked the
 * same queries.
 */
class DownsampledQueryTest {
    static final long H = 3_600_000L;
    static final long START = Workload.T0;
    static final long END = Workload.T0 + 48 * H;

    @TempDir
    static Path tmp;
    static Bucket rawBucket;
    static Bucket bucket5m;
    static Bucket bucket1h;
    static BucketStore raw;
    static BucketStore fiveMin;
    static BucketStore oneHour;
    static final Engine ENGINE = new Engine();

    @BeforeAll
    static void blocks() throws IOException {
        Workload w = new Workload(3, START, END);
        Path rawDir = w.writeBlock(tmp.resolve("raw"), START, END, BucketStoreTest.EXT);
        Path dsDir = tmp.resolve("downsampled");
        BlockMeta m5;
        BlockMeta m1h;
        try (Block rawBlock = Block.open(rawDir)) {
            m5 = new Downsampler(dsDir).downsample(rawBlock, Downsampler.RES_5M);
        }
        try (Block b5 = Block.open(dsDir.resolve(m5.ulid().toString()))) {
            m1h = new Downsampler(dsDir).downsample(b5, Downsampler.RES_1H);
        }
        rawBucket = FilesystemBucket.open(tmp.resolve("bucket-raw"));
        bucket5m = FilesystemBucket.open(tmp.resolve("bucket-5m"));
        bucket1h = FilesystemBucket.open(tmp.resolve("bucket-1h"));
        Upload.upload(rawBucket, rawDir, Upload.Options.of(BucketStoreTest.EXT, "receive"));
        Upload.upload(bucket5m, dsDir.resolve(m5.ulid().toString()), Upload.Options.of(BucketStoreTest.EXT, "compactor"));
        Upload.upload(bucket1h, dsDir.resolve(m1h.ulid().toString()), Upload.Options.of(BucketStoreTest.EXT, "compactor"));
        raw = new BucketStore(rawBucket, 64 << 20);
        fiveMin = new BucketStore(bucket5m, 64 << 20);
        oneHour = new BucketStore(bucket1h, 64 << 20);
        raw.sync();
        fiveMin.sync();
        oneHour.sync();
        assertEquals(Downsampler.RES_5M, fiveMin.blocks().get(0).thanos().downsampleResolution());
        assertEquals(Downsampler.RES_1H, oneHour.blocks().get(0).thanos().downsampleResolution());
    }

    @AfterAll
    static void close() throws IOException {
        raw.close();
        fiveMin.close();
        oneHour.close();
        rawBucket.close();
        bucket5m.close();
        bucket1h.close();
    }

    /**
     * Compares two range-query answers point by point: same series, every raw point present in the
     * downsampled answer (but for at most {@code missing} of them), and each within {@code relTol}
     * of the raw value. Returns the largest relative error seen.
     */
    static double compare(String q, QueryResult want, QueryResult got, double relTol, double missing) {
        Map<Labels, Series> byLabels = new HashMap<>();
        for (Series s : ((Matrix) got.value()).series()) {
            byLabels.put(s.labels(), s);
        }
        int points = 0;
        int absent = 0;
        double worst = 0;
        assertTrue(((Matrix) want.value()).series().size() >= 3, q + ": raw answer has series");
        for (Series w : ((Matrix) want.value()).series()) {
            Series g = byLabels.get(w.labels());
            assertTrue(g != null, q + ": series " + w.labels() + " missing from the downsampled answer");
            Map<Long, Double> gv = new HashMap<>();
            for (int i = 0; i < g.size(); i++) {
                gv.put(g.ts()[i], g.vs()[i]);
            }
            for (int i = 0; i < w.size(); i++) {
                points++;
                Double v = gv.get(w.ts()[i]);
                if (v == null) {
                    absent++;
                    continue;
                }
                double rel = Math.abs(v - w.vs()[i]) / Math.max(Math.abs(w.vs()[i]), 1e-9);
                worst = Math.max(worst, rel);
                assertTrue(rel <= relTol, q + " " + w.labels() + " at " + w.ts()[i] + ": raw " + w.vs()[i]
                        + ", downsampled " + v + " (" + Math.round(rel * 1000) / 10.0 + "% off)");
            }
        }
        assertTrue(points > 100, q + ": " + points + " points");
        assertTrue(absent <= missing * points, q + ": " + absent + " of " + points + " points missing");
        return worst;
    }

    private static QueryResult range(BucketStore s, String q, long step) {
        return ENGINE.rangeQuery(s::querier, q, START + 3 * H, END - H, step);
    }

    @Test
    void fiveMinuteBlocks_answerRateMaxAndAvgOverTime_closeToRaw() {
        long step = 15 * 60_000;
        double rate = compare("rate", range(raw, "rate(http_requests_total[1h])", step),
                range(fiveMin, "rate(http_requests_total[1h])", step), 0.05, 0.0);
        double increase = compare("increase", range(raw, "sum by (instance) (increase(node_cpu_seconds_total[2h]))", step),
                range(fiveMin, "sum by (instance) (increase(node_cpu_seconds_total[2h]))", step), 0.05, 0.0);
        double max = compare("max_over_time", range(raw, "max_over_time(node_load1[1h])", step),
                range(fiveMin, "max_over_time(node_load1[1h])", step), 0.05, 0.0);
        double avg = compare("avg_over_time", range(raw, "avg_over_time(node_load1[1h])", step),
                range(fiveMin, "avg_over_time(node_load1[1h])", step), 0.03, 0.0);
        double min = compare("min_over_time", range(raw, "min_over_time(node_memory_MemAvailable_bytes[1h])", step),
                range(fiveMin, "min_over_time(node_memory_MemAvailable_bytes[1h])", step), 0.01, 0.0);
        double sum = compare("sum_over_time", range(raw, "sum_over_time(node_load1[1h])", step),
                range(fiveMin, "sum_over_time(node_load1[1h])", step), 0.05, 0.0);
        System.out.printf("5m vs raw, worst relative error: rate %.4f, increase %.4f, max_over_time %.4f,"
                + " avg_over_time %.4f, min_over_time %.4f, sum_over_time %.4f%n", rate, increase, max, avg, min, sum);
    }

    @Test
    void oneHourBlocks_answerRateMaxAndAvgOverTime_closeToRaw() {
        long step = H;
        double rate = compare("rate", range(raw, "rate(http_requests_total[6h])", step),
                range(oneHour, "rate(http_requests_total[6h])", step), 0.05, 0.0);
        double max = compare("max_over_time", range(raw, "max_over_time(node_load1[6h])", step),
                range(oneHour, "max_over_time(node_load1[6h])", step), 0.05, 0.0);
        double avg = compare("avg_over_time", range(raw, "avg_over_time(node_load1[6h])", step),
                range(oneHour, "avg_over_time(node_load1[6h])", step), 0.03, 0.0);
        System.out.printf("1h vs raw, worst relative error: rate %.4f, max_over_time %.4f, avg_over_time %.4f%n",
                rate, max, avg);
    }

    @Test
    void functionChoosesTheAggregate_maxIsNotTheAverage() {
        // the same selector read for max_over_time and for avg_over_time gives different values: the
        // store reads the max aggregate for one and sum/count for the other
        long step = H;
        QueryResult max = range(fiveMin, "max_over_time(node_load1[1h])", step);
        QueryResult avg = range(fiveMin, "avg_over_time(node_load1[1h])", step);
        Series m = ((Matrix) max.value()).series().get(0);
        Series a = ((Matrix) avg.value()).series().get(0);
        int higher = 0;
        for (int i = 0; i < Math.min(m.size(), a.size()); i++) {
            if (m.vs()[i] > a.vs()[i] + 0.1) {
                higher++;
            }
        }
        assertTrue(higher > m.size() / 2, "max over the windows' maxima exceeds the average: " + higher + " of " + m.size());
    }

    /** Every sample of one series a StoreAPI Series call returns, decoded from the raw XOR chunks. */
    private static List<double[]> storeApiSamples(StoreApiClient client, List<Aggr> aggregates, long resolution) {
        SeriesRequest req = SeriesRequest.newBuilder().setMinTime(START).setMaxTime(END)
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName("__name__")
                        .setValue("node_load1"))
                .addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.EQ).setName("instance")
                        .setValue("vm-1:9100"))
                .setMaxResolutionWindow(resolution).addAllAggregates(aggregates).build();
        List<double[]> out = new ArrayList<>();
        Iterator<SeriesResponse> it = StoreGrpc.newBlockingStub(client.channel()).series(req);
        while (it.hasNext()) {
            SeriesResponse r = it.next();
            List<dev.cairn.storeapi.pb.thanos.Series> ss = r.hasSeries() ? List.of(r.getSeries())
                    : r.getBatch().getSeriesList();
            for (dev.cairn.storeapi.pb.thanos.Series s : ss) {
                for (dev.cairn.storeapi.pb.thanos.AggrChunk c : s.getChunksList()) {
                    byte[] data = c.getRaw().getData().toByteArray();
                    ChunkIterator ci = XorChunk.wrap(data, 0, data.length).iterator(null);
                    while (ci.next()) {
                        out.add(new double[] {ci.atT(), ci.atV()});
                    }
                }
            }
        }
        return out;
    }

    @Test
    void storeApi_honoursAggregatesAndMaxResolutionWindow() throws Exception {
        try (StoreApiServer server = StoreApiServer.start(new InetSocketAddress("127.0.0.1", 0), null,
                new StoreApiService(fiveMin::querier, Labels.EMPTY, () -> TimeRange.ALL, StoreType.STORE));
             StoreApiClient client = StoreApiClient.connect("127.0.0.1", server.port(), (SslContext) null,
                     Duration.ofSeconds(30))) {
            // the count aggregate: 20 samples in each full 5m window of 15 s scrapes
            List<double[]> counts = storeApiSamples(client, List.of(Aggr.COUNT), Downsampler.RES_5M);
            assertEquals(48 * 12, counts.size(), "one point per 5m window over 48h");
            int twenty = 0;
            for (double[] p : counts) {
                twenty += p[1] == 20 ? 1 : 0;
            }
            assertTrue(twenty > counts.size() - 5, twenty + " of " + counts.size() + " windows count 20 samples");
            List<double[]> max = storeApiSamples(client, List.of(Aggr.MAX), Downsampler.RES_5M);
            List<double[]> avg = storeApiSamples(client, List.of(Aggr.COUNT, Aggr.SUM), Downsampler.RES_5M);
            assertEquals(max.size(), avg.size());
            int above = 0;
            for (int i = 0; i < max.size(); i++) {
                assertTrue(max.get(i)[1] >= avg.get(i)[1] - 1e-9, "max >= average at " + max.get(i)[0]);
                above += max.get(i)[1] > avg.get(i)[1] + 0.05 ? 1 : 0;
            }
            assertTrue(above > max.size() / 2, above + " of " + max.size());
        }
    }
}
