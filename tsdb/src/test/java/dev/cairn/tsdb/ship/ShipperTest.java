package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.InstrumentedBucket;
import dev.cairn.tsdb.bucket.InstrumentedBucket.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShipperTest {
    private static final Shipper.Options OPTIONS = new Shipper.Options(ShipTestSupport.SIDECAR, false);

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        return Files.createDirectories(tmp.resolve("prometheus-data"));
    }

    private Path state() {
        return tmp.resolve("shipper.json");
    }

    @Test
    void sync_shipsEachNewBlockOnce_oldestFirst() throws Exception {
        Path data = data();
        BlockMeta later = ShipTestSupport.writeBlock(data, 1, 7_200_000);
        BlockMeta earlier = ShipTestSupport.writeBlock(data, 2, 0);
        Files.createDirectories(data.resolve(Ulid.generate() + ".tmp-for-creation")); // a write in progress
        Files.createDirectories(data.resolve("wal"));
        try (InstrumentedBucket b = InstrumentedBucket.wrap(ShipTestSupport.Kind.FILESYSTEM.open(tmp))) {
            Shipper s = new Shipper(data, state(), b, OPTIONS);
            Shipper.SyncResult r1 = s.sync();
            assertEquals(List.of(earlier.ulid(), later.ulid()), r1.uploaded(), "by minTime, not by ULID");
            assertEquals(2, ShipTestSupport.assertEveryCompleteBlockIsWhole(b));
            assertEquals("{\n\t\"version\": 1,\n\t\"uploaded\": [\n\t\t\"" + min(earlier, later) + "\",\n\t\t\""
                    + max(earlier, later) + "\"\n\t]\n}\n", Files.readString(state()));

            long uploads = b.operations(Operation.UPLOAD);
            long lookups = b.operations(Operation.EXISTS);
            Shipper.SyncResult r2 = new Shipper(data, state(), b, OPTIONS).sync();
            assertEquals(List.of(), r2.uploaded());
            assertEquals(uploads, b.operations(Operation.UPLOAD));
            assertEquals(lookups, b.operations(Operation.EXISTS), "recorded blocks cost no bucket lookup");

            BlockMeta third = ShipTestSupport.writeBlock(data, 3, 14_400_000);
            assertEquals(List.of(third.ulid()), s.sync().uploaded());
            assertEquals(3, ShipTestSupport.assertEveryCompleteBlockIsWhole(b));
        }
    }

    private static Ulid min(BlockMeta a, BlockMeta b) {
        return a.ulid().compareTo(b.ulid()) < 0 ? a.ulid() : b.ulid();
    }

    private static Ulid max(BlockMeta a, BlockMeta b) {
        return a.ulid().compareTo(b.ulid()) < 0 ? b.ulid() : a.ulid();
    }

    @Test
    void sync_skipsCompactedBlocks_unlessAsked() throws Exception {
        Path data = data();
        BlockMeta compacted = ShipTestSupport.writeBlock(data, 4, 0, 2);
        try (Bucket b = ShipTestSupport.Kind.FILESYSTEM.open(tmp)) {
            Shipper.SyncResult r = new Shipper(data, state(), b, OPTIONS).sync();
            assertEquals(List.of(compacted.ulid()), r.skipped());
            assertEquals(List.of(), b.list("", false));
            Shipper.SyncResult r2 = new Shipper(data, state(), b, new Shipper.Options(ShipTestSupport.SIDECAR, true)).sync();
            assertEquals(List.of(compacted.ulid()), r2.uploaded());
        }
    }

    @Test
    void sync_afterACrashBetweenUploadAndStateWrite_doesNotUploadAgain() throws Exception {
        Path data = data();
        BlockMeta m = ShipTestSupport.writeBlock(data, 5, 0);
        try (InstrumentedBucket b = InstrumentedBucket.wrap(ShipTestSupport.Kind.FILESYSTEM.open(tmp))) {
            Upload.upload(b, data.resolve(m.ulid().toString()), ShipTestSupport.SIDECAR); // the crashed run's upload
            long uploads = b.operations(Operation.UPLOAD);
            Shipper.SyncResult r = new Shipper(data, state(), b, OPTIONS).sync();
            assertEquals(List.of(m.ulid()), r.alreadyInBucket());
            assertEquals(List.of(), r.uploaded());
            assertEquals(uploads, b.operations(Operation.UPLOAD));
            assertEquals(Set.of(m.ulid()), new Shipper(data, state(), b, OPTIONS).shipped());
        }
    }

    @Test
    void sync_withACorruptStateFile_reportsIt_andRebuildsItFromTheBucket() throws Exception {
        Path data = data();
        BlockMeta m = ShipTestSupport.writeBlock(data, 6, 0);
        try (InstrumentedBucket b = InstrumentedBucket.wrap(ShipTestSupport.Kind.FILESYSTEM.open(tmp))) {
            new Shipper(data, state(), b, OPTIONS).sync();
            long uploads = b.operations(Operation.UPLOAD);
            Files.writeString(state(), "{\"version\": 1, \"uploaded\": [", StandardCharsets.UTF_8);
            Shipper.SyncResult r = new Shipper(data, state(), b, OPTIONS).sync();
            assertNotNull(r.stateProblem());
            assertTrue(r.stateProblem().contains("shipper.json"), r.stateProblem());
            assertEquals(uploads, b.operations(Operation.UPLOAD), "nothing uploaded twice");
            assertEquals(Set.of(m.ulid()), new Shipper(data, state(), b, OPTIONS).shipped());
        }
    }

    @Test
    void sync_forgetsBlocksThatLeftTheLocalDirectory() throws Exception {
        Path data = data();
        BlockMeta a = ShipTestSupport.writeBlock(data, 7, 0);
        BlockMeta c = ShipTestSupport.writeBlock(data, 8, 7_200_000);
        try (Bucket b = ShipTestSupport.Kind.FILESYSTEM.open(tmp)) {
            Shipper s = new Shipper(data, state(), b, OPTIONS);
            s.sync();
            DurableFiles.deleteRecursively(data.resolve(a.ulid().toString())); // Prometheus retention
            s.sync();
            assertEquals(Set.of(c.ulid()), s.shipped());
            assertTrue(b.exists(a.ulid() + "/meta.json"), "the bucket keeps it");
        }
    }

    @Test
    void sync_reportsAnUnreadableLocalBlock_andShipsTheOthers() throws Exception {
        Path data = data();
        BlockMeta good = ShipTestSupport.writeBlock(data, 9, 0);
        Path broken = Files.createDirectories(data.resolve(Ulid.generate().toString()));
        Files.writeString(broken.resolve("meta.json"), "not json");
        try (Bucket b = ShipTestSupport.Kind.FILESYSTEM.open(tmp)) {
            Shipper.SyncResult r = new Shipper(data, state(), b, OPTIONS).sync();
            assertEquals(List.of(good.ulid()), r.uploaded());
            assertEquals(1, r.unreadable().size());
            assertEquals(broken, r.unreadable().get(0).dir());
        }
    }

    /**
     * Fault injection: for every call of a shipping sync, a bucket that fails that call (before or after
     * performing it). After each failure no block in the bucket has meta.json with files missing, the
     * block is not recorded as shipped unless it is whole in the bucket, and a re-run with a healthy
     * bucket leaves it complete and identical to the local block.
     */
    @Test
    void failedUpload_atAnyCall_neverLeavesMetaJsonWithFilesMissing_andARerunCompletesIt() throws Exception {
        Path data = data();
        BlockMeta m = ShipTestSupport.writeBlock(data, 10, 0);
        Path blockDir = data.resolve(m.ulid().toString());
        String id = m.ulid().toString();

        // how many bucket calls a clean sync makes: exists, 3 files, meta.json
        int total;
        try (Bucket fs = ShipTestSupport.Kind.FILESYSTEM.open(tmp.resolve("clean"))) {
            FailingBucket counter = new FailingBucket(fs, 0, FailingBucket.Mode.BEFORE);
            new Shipper(data, tmp.resolve("clean.json"), counter, OPTIONS).sync();
            total = counter.calls();
            assertEquals(List.of("exists " + id + "/meta.json", "upload " + id + "/chunks/000001", "upload " + id + "/index",
                    "upload " + id + "/tombstones", "upload " + id + "/meta.json"), counter.log);
        }

        for (FailingBucket.Mode mode : FailingBucket.Mode.values()) {
            for (int n = 1; n <= total; n++) {
                String what = mode + " at call " + n;
                Path state = tmp.resolve("state-" + mode + "-" + n + ".json");
                try (Bucket fs = ShipTestSupport.Kind.FILESYSTEM.open(tmp.resolve("b-" + mode + "-" + n))) {
                    FailingBucket failing = new FailingBucket(fs, n, mode);
                    IOException e = assertThrows(IOException.class,
                            () -> new Shipper(data, state, failing, OPTIONS).sync(), what);
                    assertTrue(e.getMessage().startsWith("ship block " + id), e.getMessage());
                    assertTrue(e.getMessage().contains("injected failure"), e.getMessage());

                    ShipTestSupport.assertEveryCompleteBlockIsWhole(fs);
                    Set<Ulid> recorded = new Shipper(data, state, fs, OPTIONS).shipped();
                    assertTrue(recorded.isEmpty() || fs.exists(id + "/meta.json"), what + ": recorded but not whole");
                    if (mode == FailingBucket.Mode.BEFORE) {
                        assertTrue(!fs.exists(id + "/meta.json"), what + ": a failed upload must not publish meta.json");
                    }

                    // the re-run after the "crash": a new shipper on the same state file, a healthy bucket
                    Shipper.SyncResult again = new Shipper(data, state, fs, OPTIONS).sync();
                    assertEquals(1, again.uploaded().size() + again.alreadyInBucket().size(), what);
                    assertEquals(1, ShipTestSupport.assertEveryCompleteBlockIsWhole(fs), what);
                    for (String rel : List.of("chunks/000001", "index", "tombstones")) {
                        assertArrayEquals(Files.readAllBytes(blockDir.resolve(rel)), ShipTestSupport.read(fs, id + "/" + rel),
                                what + " " + rel);
                    }
                    assertEquals(Set.of(m.ulid()), new Shipper(data, state, fs, OPTIONS).shipped(), what);
                }
            }
        }
    }
}
