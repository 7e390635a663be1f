package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.cairn.appliance.compact.CompactorTestSupport.Expected;
import static dev.cairn.appliance.compact.CompactorTestSupport.H;
import static dev.cairn.appliance.compact.CompactorTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The happy path once against S3 (S3Proxy), with the bucket lock. */
class BucketCompactorS3Test {
    @TempDir
    Path tmp;

    @Test
    void run_onS3_compacts2hBlocksInto8hAndHoldsTheLock() throws Exception {
        Map<String, String> ext = Map.of("cluster", "eu1");
        try (Bucket bucket = S3ProxyServer.shared().newBucket()) {
            Expected want = new Expected();
            for (int i = 0; i < 5; i++) {
                CompactorTestSupport.uploadBlock(bucket, tmp, ext, T0 + i * 2 * H, T0 + (i + 1) * 2 * H, 60_000, want);
            }
            CompactorConfig cfg = CompactorConfig.defaults(tmp.resolve("compact"), "appliance-1").withDiskMargin(0);
            BucketCompactor c = BucketCompactor.create(bucket, cfg,
                    new CompactorTestSupport.MutableClock(Instant.ofEpochMilli(T0 + 12 * H)), FreeSpace.FILE_STORE);

            c.runOnce();

            List<String> live = CompactorTestSupport.liveBlocks(bucket).stream()
                    .map((BlockMeta m) -> (m.minTime() - T0) / H + "-" + (m.maxTime() - T0) / H).sorted().toList();
            assertEquals(List.of("0-8", "8-10"), live);
            assertEquals(want.series, CompactorTestSupport.readBack(bucket, tmp, ext).series);
            assertTrue(CompactorTestSupport.read(bucket, BucketLock.OBJECT).contains("\"holder\":\"appliance-1\""));
            assertEquals("appliance-1", c.status().snapshot().lockHolder());
        }
    }
}
