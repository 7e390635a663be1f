package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.ship.Download;
import dev.cairn.tsdb.testing.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.cairn.appliance.compact.CompactorTestSupport.H;
import static dev.cairn.appliance.compact.CompactorTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real promtool (Debian's 2.42) reads the compacted blocks and dumps what it dumped from the inputs. */
class BucketCompactorPromtoolTest {
    @TempDir
    Path tmp;

    private static Path downloadLive(Bucket bucket, Path dir) throws Exception {
        Files.createDirectories(dir);
        for (BlockMeta m : CompactorTestSupport.liveBlocks(bucket)) {
            Download.download(bucket, m.ulid(), dir);
        }
        return dir;
    }

    @Test
    void compactedBlocks_dumpLikeTheirSources() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        CompactorTestSupport.Expected ignored = new CompactorTestSupport.Expected();
        for (int i = 0; i < 5; i++) {
            CompactorTestSupport.uploadBlock(bucket, tmp, Map.of("cluster", "eu1"), T0 + i * 2 * H, T0 + (i + 1) * 2 * H,
                    60_000, ignored);
        }
        String before = Promtool.dump(downloadLive(bucket, tmp.resolve("before")));
        BucketCompactor c = BucketCompactor.unlocked(bucket, CompactorConfig.defaults(tmp.resolve("compact"), "t")
                .withDiskMargin(0), new CompactorTestSupport.MutableClock(Instant.ofEpochMilli(T0 + 12 * H)),
                FreeSpace.FILE_STORE);

        c.runOnce();

        assertEquals(1, c.status().snapshot().compactions());
        Path after = downloadLive(bucket, tmp.resolve("after"));
        assertEquals(2, CompactorTestSupport.liveBlocks(bucket).size());
        String dump = Promtool.dump(after);
        assertTrue(before.lines().count() == 3 * 10 * 60, "3 series × 10h of minutely samples");
        assertEquals(List.of(before.lines().sorted().toArray()), List.of(dump.lines().sorted().toArray()));
        String list = Promtool.run("tsdb", "list", after.toString());
        assertTrue(list.lines().anyMatch(l -> l.contains(" 8h0m0s ") && l.contains(" 1440 ")), "an 8h block in promtool's list:\n" + list);
    }
}
