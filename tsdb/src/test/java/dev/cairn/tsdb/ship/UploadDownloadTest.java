package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockDir;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosFile;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNotFoundException;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A block written by BlockWriter, uploaded to each bucket kind and downloaded back. */
class UploadDownloadTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(ShipTestSupport.Kind.class)
    void block_uploadedInThanosLayout_downloadsBackIdentical(ShipTestSupport.Kind kind) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta written = ShipTestSupport.writeBlock(local, 1, 1_700_000_000_000L);
        Path blockDir = local.resolve(written.ulid().toString());
        byte[] localMeta = Files.readAllBytes(blockDir.resolve("meta.json"));
        String id = written.ulid().toString();
        try (Bucket b = kind.open(tmp)) {
            BlockMeta up = Upload.upload(b, blockDir, ShipTestSupport.SIDECAR);

            assertEquals(List.of(id + "/chunks/000001", id + "/index", id + "/meta.json", id + "/tombstones"),
                    b.list("", true));
            assertArrayEquals(localMeta, Files.readAllBytes(blockDir.resolve("meta.json")), "the local meta.json is untouched");
            BlockMeta inBucket = MetaJson.parse(ShipTestSupport.read(b, id + "/meta.json"), "meta.json");
            assertEquals(up, inBucket);
            ThanosMeta t = inBucket.thanos();
            assertEquals(Map.of("cluster", "eu1", "replica", "a"), t.labels());
            assertEquals("sidecar", t.source());
            assertEquals(0, t.downsampleResolution());
            assertEquals(List.of("000001"), t.segmentFiles());
            assertEquals(List.of("chunks/000001", "index", "meta.json", "tombstones"),
                    t.files().stream().map(ThanosFile::relPath).toList());
            for (ThanosFile f : t.files()) {
                long want = f.relPath().equals("meta.json") ? 0 : Files.size(blockDir.resolve(f.relPath()));
                assertEquals(want, f.sizeBytes(), f.relPath());
            }
            assertTrue(t.extra().containsKey("upload_time"));
            assertEquals(written.minTime(), inBucket.minTime());
            assertEquals(written.maxTime(), inBucket.maxTime());
            assertEquals(written.stats(), inBucket.stats());
            assertEquals(written.compaction(), inBucket.compaction());

            Path down = Files.createDirectories(tmp.resolve("down"));
            BlockMeta got = Download.download(b, written.ulid(), down);
            assertEquals(inBucket, got);
            Path downDir = down.resolve(id);
            for (String rel : List.of("chunks/000001", "index", "tombstones")) {
                assertArrayEquals(Files.readAllBytes(blockDir.resolve(rel)), Files.readAllBytes(downDir.resolve(rel)), rel);
            }
            assertArrayEquals(ShipTestSupport.read(b, id + "/meta.json"), Files.readAllBytes(downDir.resolve("meta.json")));
            assertFalse(Files.exists(down.resolve(id + Download.TMP_SUFFIX)));

            // The downloaded copy is a readable block with the same series as the original.
            try (BlockDir orig = BlockDir.open(local); BlockDir copy = BlockDir.open(down)) {
                assertTrue(orig.failures().isEmpty() && copy.failures().isEmpty(), copy.failures().toString());
                Querier qo = orig.querier(Long.MIN_VALUE, Long.MAX_VALUE);
                Querier qc = copy.querier(Long.MIN_VALUE, Long.MAX_VALUE);
                assertEquals(TestBlocks.selectAll(qo), TestBlocks.selectAll(qc));
            }
            // and Prometheus reads it, thanos section and all, with the same samples as the original
            String dump = Promtool.dump(down);
            assertFalse(dump.isEmpty());
            assertEquals(Promtool.dump(local), dump);
        }
    }

    @ParameterizedTest
    @EnumSource(ShipTestSupport.Kind.class)
    void download_ofAPartialBlock_isNotFound_andLeavesNothing(ShipTestSupport.Kind kind) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta m = ShipTestSupport.writeBlock(local, 2, 0);
        try (Bucket b = kind.open(tmp)) {
            b.upload(m.ulid() + "/index", local.resolve(m.ulid() + "/index"));
            Path down = Files.createDirectories(tmp.resolve("down"));
            assertThrows(ObjectNotFoundException.class, () -> Download.download(b, m.ulid(), down));
            assertEquals(0, down.toFile().list().length);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ShipTestSupport.Kind.class, names = "FILESYSTEM")
    void upload_refusesWhatIsNotAShippableBlock(ShipTestSupport.Kind kind) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta m = ShipTestSupport.writeBlock(local, 3, 0);
        try (Bucket b = kind.open(tmp)) {
            IOException noLabels = assertThrows(IOException.class, () -> Upload.upload(b, local.resolve(m.ulid().toString()),
                    Upload.Options.of(Map.of(), "sidecar")));
            assertTrue(noLabels.getMessage().contains("no external labels"), noLabels.getMessage());
            Upload.upload(b, local.resolve(m.ulid().toString()), new Upload.Options(Map.of(), "receive", true));
            assertTrue(b.exists(m.ulid() + "/meta.json"));

            Path notBlock = Files.createDirectories(local.resolve("wal"));
            IOException e = assertThrows(IOException.class, () -> Upload.upload(b, notBlock, ShipTestSupport.SIDECAR));
            assertTrue(e.getMessage().contains("not a ULID"), e.getMessage());

            Path other = local.resolve(m.ulid().toString());
            Path renamed = local.resolve(dev.cairn.tsdb.block.Ulid.generate().toString());
            Files.move(other, renamed);
            IOException mismatch = assertThrows(IOException.class, () -> Upload.upload(b, renamed, ShipTestSupport.SIDECAR));
            assertTrue(mismatch.getMessage().contains("names block " + m.ulid()), mismatch.getMessage());
            assertNotNull(b);
        }
    }
}
