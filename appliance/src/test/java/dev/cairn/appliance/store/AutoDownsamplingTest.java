package dev.cairn.appliance.store;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.downsample.Downsampler;
import dev.cairn.tsdb.ship.Upload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resolution selection through the appliance's HTTP API, over a bucket holding a raw 48h block, the
 * 5m block made of it, and a newer raw 2h block that is not downsampled yet. {@code count_over_time}
 * tells which data answered: 240 raw samples per hour of 15 s scrapes, but 12 points per hour from
 * 5m data (the query reads the windows' count aggregate, one point per window, as Thanos does).
 */
class AutoDownsamplingTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final long H = 3_600_000L;
    static final long T0 = Workload.T0;

    @TempDir
    Path tmp;

    @Test
    void largeSteps_read5mData_rawWhereNothingIsDownsampled_andTheParameterOverrides() throws Exception {
        ApplianceConfig d = ApplianceConfig.defaults();
        ApplianceConfig c = d.withDataDir(tmp.resolve("data")).withHttp(new ApplianceConfig.Http("127.0.0.1", 0))
                .withGrpc(new ApplianceConfig.Http("127.0.0.1", 0))
                .withCompact(new ApplianceConfig.Compact(false, null, Duration.ofMinutes(5), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO));
        Workload w = new Workload(2, T0, T0 + 50 * H);
        try (Bucket bucket = FilesystemBucket.open(c.bucketDir())) {
            Path raw = w.writeBlock(tmp.resolve("blocks"), T0, T0 + 48 * H, BucketStoreTest.EXT);
            Path recent = w.writeBlock(tmp.resolve("blocks"), T0 + 48 * H, T0 + 50 * H, BucketStoreTest.EXT);
            BlockMeta m5;
            try (Block b = Block.open(raw)) {
                m5 = new Downsampler(tmp.resolve("ds")).downsample(b, Downsampler.RES_5M);
            }
            Upload.upload(bucket, raw, Upload.Options.of(BucketStoreTest.EXT, "compactor"));
            Upload.upload(bucket, recent, Upload.Options.of(BucketStoreTest.EXT, "receive"));
            Upload.upload(bucket, tmp.resolve("ds").resolve(m5.ulid().toString()),
                    Upload.Options.of(BucketStoreTest.EXT, "compactor"));
        }
        try (ApplianceMain m = ApplianceMain.start(c)) {
            assertEquals(3, m.store().blocks().size());
            String q = "count_over_time(node_load1{instance=\"vm-0:9100\"}[1h])";
            // a 30m step accepts 6m data: the 5m block answers up to 48h, the raw block after it
            List<double[]> auto = points(m, q, 40 * H, 50 * H, 1800, null);
            assertFalse(auto.isEmpty());
            for (double[] p : auto) {
                long t = (long) p[0] * 1000 - T0;
                if (t <= 48 * H) {
                    assertTrue(p[1] >= 11 && p[1] <= 13, "5m windows at " + t / H + "h: " + p[1]);
                } else if (t >= 49 * H) {
                    assertTrue(p[1] >= 235 && p[1] <= 241, "raw samples at " + t / H + "h: " + p[1]);
                }
            }
            // a 1m step accepts 12s data: raw everywhere
            for (double[] p : points(m, q, 40 * H, 50 * H, 60, null)) {
                if ((long) p[0] * 1000 - T0 >= 41 * H) {
                    assertTrue(p[1] >= 235, "raw at " + p[0] + ": " + p[1]);
                }
            }
            // the parameter overrides the step: raw with a large step, 5m with a small one
            for (double[] p : points(m, q, 41 * H, 47 * H, 1800, "raw")) {
                assertTrue(p[1] >= 235, "raw: " + p[1]);
            }
            for (double[] p : points(m, q, 41 * H, 47 * H, 60, "5m")) {
                assertTrue(p[1] <= 13, "5m: " + p[1]);
            }
            for (double[] p : points(m, q, 41 * H, 47 * H, 60, "1h")) {
                assertTrue(p[1] <= 13, "1h accepted, 5m is the coarsest there is: " + p[1]);
            }
            for (double[] p : points(m, q, 41 * H, 47 * H, 60, "0s")) {
                assertTrue(p[1] >= 235, "0s is raw: " + p[1]);
            }
        }
    }

    private static final Pattern POINT = Pattern.compile("\\[([0-9.]+),\"([^\"]+)\"\\]");

    private static List<double[]> points(ApplianceMain m, String q, long from, long to, long stepSeconds,
                                         String resolution) throws Exception {
        String url = "http://127.0.0.1:" + m.httpPort() + "/api/v1/query_range?query="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&start=" + (T0 + from) / 1000 + "&end="
                + (T0 + to) / 1000 + "&step=" + stepSeconds
                + (resolution == null ? "" : "&max_source_resolution=" + resolution);
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<double[]> out = new ArrayList<>();
        Matcher mm = POINT.matcher(r.body());
        while (mm.find()) {
            out.add(new double[] {Double.parseDouble(mm.group(1)), Double.parseDouble(mm.group(2))});
        }
        assertTrue(out.size() > 5, r.body());
        return out;
    }
}
