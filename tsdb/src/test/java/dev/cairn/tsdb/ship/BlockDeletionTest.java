package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockDeletionTest {
    @TempDir
    Path tmp;

    @Test
    void deletionMark_hasThanosShape() {
        Ulid id = Ulid.parse("01HZZZZZZZZZZZZZZZZZZZZZZZ");
        assertEquals("{\"id\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\",\"version\":1,\"details\":\"retention\",\"deletion_time\":1700000000}",
                new String(new DeletionMark(id, 1_700_000_000L, "retention").toJson(), StandardCharsets.UTF_8));
        assertEquals("{\"id\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\",\"version\":1,\"deletion_time\":5}",
                new String(new DeletionMark(id, 5, "").toJson(), StandardCharsets.UTF_8), "details omitted when empty");
        // as Thanos writes one (Go field order, no details)
        DeletionMark parsed = DeletionMark.parse(
                "{\"id\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\",\"version\":1,\"deletion_time\":1700000001}".getBytes(StandardCharsets.UTF_8), "m");
        assertEquals(new DeletionMark(id, 1_700_000_001L, ""), parsed);
        assertThrows(CorruptionException.class, () -> DeletionMark.parse(
                "{\"id\":\"01HZZZZZZZZZZZZZZZZZZZZZZZ\",\"version\":2,\"deletion_time\":1}".getBytes(StandardCharsets.UTF_8), "m"));
        assertThrows(CorruptionException.class, () -> DeletionMark.parse("{\"id\":\"x\"".getBytes(StandardCharsets.UTF_8), "m"));
    }

    @Test
    void mark_placesTheMarkOnce_keepingTheFirstTime() throws Exception {
        try (Bucket b = ShipTestSupport.Kind.FILESYSTEM.open(tmp)) {
            Ulid id = Ulid.generate();
            assertTrue(BlockDeletion.mark(b, id, "compacted", Instant.ofEpochSecond(1000)));
            assertFalse(BlockDeletion.mark(b, id, "again", Instant.ofEpochSecond(2000)));
            DeletionMark m = DeletionMark.parse(ShipTestSupport.read(b, id + "/deletion-mark.json"), "m");
            assertEquals(new DeletionMark(id, 1000, "compacted"), m);
        }
    }

    @Test
    void delete_removesMetaFirst_andTheMarkLast() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta m = ShipTestSupport.writeBlock(local, 5, 0);
        try (Bucket fs = ShipTestSupport.Kind.FILESYSTEM.open(tmp)) {
            Upload.upload(fs, local.resolve(m.ulid().toString()), ShipTestSupport.SIDECAR);
            BlockDeletion.mark(fs, m.ulid(), "", Instant.now());
            FailingBucket rec = new FailingBucket(fs, 0, FailingBucket.Mode.BEFORE);
            BlockDeletion.delete(rec, m.ulid());
            List<String> deletes = rec.log.stream().filter(s -> s.startsWith("delete ")).toList();
            assertEquals("delete " + m.ulid() + "/meta.json", deletes.get(0));
            assertEquals("delete " + m.ulid() + "/deletion-mark.json", deletes.get(deletes.size() - 1));
            assertEquals(5, deletes.size(), deletes.toString());
            assertEquals(List.of(), fs.list("", true));
        }
    }

    @Test
    void delete_failingAtAnyStep_neverLeavesAWholeLookingBlockWithFilesMissing() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta m = ShipTestSupport.writeBlock(local, 6, 0);
        for (FailingBucket.Mode mode : FailingBucket.Mode.values()) {
            for (int n = 1; n <= 7; n++) {
                try (Bucket fs = ShipTestSupport.Kind.FILESYSTEM.open(tmp.resolve(mode + "-" + n))) {
                    Upload.upload(fs, local.resolve(m.ulid().toString()), ShipTestSupport.SIDECAR);
                    BlockDeletion.mark(fs, m.ulid(), "", Instant.now());
                    FailingBucket failing = new FailingBucket(fs, n, mode);
                    try {
                        BlockDeletion.delete(failing, m.ulid());
                    } catch (IOException e) {
                        assertTrue(e.getMessage().startsWith("delete block " + m.ulid()), e.getMessage());
                        // while anything is left, the mark is still there for the next run to find
                        assertTrue(fs.exists(m.ulid() + "/deletion-mark.json") || fs.list("", true).isEmpty(),
                                mode + " " + n + ": " + fs.list("", true));
                    }
                    ShipTestSupport.assertEveryCompleteBlockIsWhole(fs);
                    BlockDeletion.delete(fs, m.ulid()); // a re-run finishes the job
                    assertEquals(List.of(), fs.list("", true), mode + " " + n);
                }
            }
        }
    }
}
