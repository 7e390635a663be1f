package dev.cairn.appliance.compact;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static dev.cairn.appliance.compact.CompactorTestSupport.H;
import static dev.cairn.appliance.compact.CompactorTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compactor as the appliance runs it: from the {@code compact} config, on the appliance's bucket, on /metrics. */
class ApplianceCompactionTest {
    private static final Map<String, String> EU = Map.of("cluster", "eu1");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    private ApplianceConfig config(Path data) {
        return ApplianceConfig.defaults().withDataDir(data).withHttp(new ApplianceConfig.Http("127.0.0.1", 0))
                .withCompact(new ApplianceConfig.Compact(true, null, Duration.ofMillis(100), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO));
    }

    private static String get(ApplianceMain m, String pathAndQuery) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + m.httpPort() + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
        return r.body();
    }

    private static void await(Callable<Boolean> cond, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> liveRanges(Bucket bucket) throws Exception {
        List<String> out = new ArrayList<>();
        for (BlockMeta m : CompactorTestSupport.liveBlocks(bucket)) {
            out.add((m.minTime() - T0) / H + "-" + (m.maxTime() - T0) / H + "h");
        }
        out.sort(null);
        return out;
    }

    @Test
    void appliance_bucketWith2hBlocks_compactsThemAndShowsNotHalted() throws Exception {
        Path data = tmp.resolve("data");
        Bucket bucket = FilesystemBucket.open(data.resolve("bucket"));
        CompactorTestSupport.Expected expected = new CompactorTestSupport.Expected();
        for (int i = 0; i < 5; i++) { // 10h: one full 8h window and one 2h block left
            CompactorTestSupport.uploadBlock(bucket, tmp, EU, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, 60_000, expected);
        }
        try (ApplianceMain m = ApplianceMain.start(config(data))) {
            await(() -> liveRanges(bucket).equals(List.of("0-8h", "8-10h")), "the 8h block; live: " + liveRanges(bucket));
            assertEquals(expected.series, CompactorTestSupport.readBack(bucket, tmp, EU).series);
            String metrics = get(m, "/metrics");
            assertTrue(metrics.contains("\ncairn_compactor_halted 0\n"), metrics);
            assertTrue(metrics.contains("\ncairn_compactor_compactions_total 1\n"), metrics);
        }
        assertTrue(!bucket.exists(BucketLock.OBJECT), "closing the appliance releases the bucket lock");
    }

    @Test
    void appliance_bucketRefusesCompactorWrites_haltsWhileQueriesAnswer() throws Exception {
        Path data = tmp.resolve("data");
        // The tests run as root, for whom permission bits do not stop writes: a directory where the
        // lock object must go makes every write of the compactor to the bucket fail just the same.
        Files.createDirectories(data.resolve("bucket").resolve(BucketLock.OBJECT).resolve("x"));
        try (ApplianceMain m = ApplianceMain.start(config(data))) {
            await(() -> m.compactor().status().halted(), "the halt");
            String metrics = get(m, "/metrics");
            assertTrue(metrics.contains("\ncairn_compactor_halted 1\n"), metrics);
            String answer = get(m, "/api/v1/query?query=1%2B1&time=1700000000");
            assertTrue(answer.contains("\"status\":\"success\"") && answer.contains("\"2\""), answer);
        }
    }
}
