package dev.cairn.appliance.receive;

import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockShippingTest {
    @TempDir
    Path tmp;

    @Test
    void cutBlocks_areShippedWithExternalLabels_andOldOnesLeaveLocalDiskAtNextStart() throws Exception {
        Path receive = tmp.resolve("receive");
        Path bucketDir = tmp.resolve("bucket");
        List<Ulid> cut;
        try (Db db = Db.open(receive, DbOptions.defaults().withBlockRange(10_000).withCompactionInterval(Duration.ZERO))) {
            HeadAppender app = db.appender();
            for (long t = 0; t < 60_000; t += 100) {
                app.append(Labels.of("__name__", "m", "k", "v"), 1_700_000_000_000L + t, t);
                app.commit();
            }
            assertTrue(db.compact() >= 3, "blocks cut");
            cut = db.blocks().stream().map(b -> b.meta().ulid()).toList();
            BlockShipping shipping = new BlockShipping(receive, FilesystemBucket.open(bucketDir),
                    Map.of("cluster", "eu1", "receive_replica", "r0"));
            shipping.sync();
            for (Ulid id : cut) {
                BlockMeta up = MetaJson.read(bucketDir.resolve(id.toString()));
                assertEquals(Map.of("cluster", "eu1", "receive_replica", "r0"), up.thanos().labels());
                assertEquals(ThanosMeta.SOURCE_RECEIVE, up.thanos().source());
                assertTrue(Files.exists(bucketDir.resolve(id + "/index")));
            }
        }
        // retention 10s: every shipped block ending more than 10 s before the newest one goes
        List<Ulid> deleted = BlockShipping.applyLocalRetention(receive, 10_000);
        assertEquals(cut.size() - 2, deleted.size(), "deleted " + deleted + " of " + cut);
        for (Ulid id : deleted) {
            assertFalse(Files.exists(receive.resolve(id.toString())));
            assertTrue(Files.exists(bucketDir.resolve(id + "/meta.json")), "still in the bucket");
        }
        try (Db db = Db.open(receive, DbOptions.defaults().withBlockRange(10_000).withCompactionInterval(Duration.ZERO))) {
            assertEquals(2, db.blocks().size());
            assertEquals(cut.get(cut.size() - 1), db.blocks().stream().map(Block::meta).map(BlockMeta::ulid)
                    .reduce((a, b) -> b).orElseThrow());
        }
    }
}
