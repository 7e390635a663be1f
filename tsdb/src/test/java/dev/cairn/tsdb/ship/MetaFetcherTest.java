package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.InstrumentedBucket;
import dev.cairn.tsdb.bucket.InstrumentedBucket.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaFetcherTest {
    @TempDir
    Path tmp;

    private static void put(Bucket b, String name, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        b.upload(name, new ByteArrayInputStream(bytes), bytes.length);
    }

    @ParameterizedTest
    @EnumSource(ShipTestSupport.Kind.class)
    void fetch_listsGoodBlocks_skipsPartialOnes_andReportsCorruptMetas(ShipTestSupport.Kind kind) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta good1 = ShipTestSupport.writeBlock(local, 11, 0);
        BlockMeta good2 = ShipTestSupport.writeBlock(local, 12, 7_200_000);
        BlockMeta partial = ShipTestSupport.writeBlock(local, 13, 14_400_000);
        Ulid corrupt = Ulid.generate();
        Ulid misnamed = Ulid.generate();
        try (Bucket b = kind.open(tmp)) {
            BlockMeta up1 = Upload.upload(b, local.resolve(good1.ulid().toString()), ShipTestSupport.SIDECAR);
            BlockMeta up2 = Upload.upload(b, local.resolve(good2.ulid().toString()), ShipTestSupport.SIDECAR);
            // an interrupted upload: files but no meta.json
            b.upload(partial.ulid() + "/chunks/000001", local.resolve(partial.ulid() + "/chunks/000001"));
            b.upload(partial.ulid() + "/index", local.resolve(partial.ulid() + "/index"));
            put(b, corrupt + "/meta.json", "{\"ulid\": \"" + corrupt + "\", \"minTime\": ");
            put(b, corrupt + "/index", "x");
            // a meta.json copied under another block's name
            b.upload(misnamed + "/meta.json", new ByteArrayInputStream(ShipTestSupport.read(b, good1.ulid() + "/meta.json")),
                    ShipTestSupport.read(b, good1.ulid() + "/meta.json").length);
            put(b, "debug/metas/x.json", "{}"); // not a block directory
            put(b, "bucket-lock", "x");

            MetaFetcher.Result r = new MetaFetcher(b, 4).fetch();
            assertEquals(List.of(good1.ulid(), good2.ulid()), List.copyOf(r.metas().keySet()));
            assertEquals(up1, r.metas().get(good1.ulid()));
            assertEquals(up2, r.metas().get(good2.ulid()));
            assertEquals(List.of(partial.ulid()), r.partial());
            assertEquals(List.of(corrupt, misnamed).stream().sorted().toList(), List.copyOf(r.corrupt().keySet()));
            assertTrue(r.corrupt().get(corrupt).contains(corrupt + "/meta.json"), r.corrupt().get(corrupt));
            assertTrue(r.corrupt().get(misnamed).contains("names block " + good1.ulid()), r.corrupt().get(misnamed));
        }
    }

    @Test
    void fetch_readsEachMetaOnce_andForgetsDeletedBlocks() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta a = ShipTestSupport.writeBlock(local, 21, 0);
        BlockMeta c = ShipTestSupport.writeBlock(local, 22, 7_200_000);
        try (InstrumentedBucket b = InstrumentedBucket.wrap(ShipTestSupport.Kind.FILESYSTEM.open(tmp))) {
            Upload.upload(b, local.resolve(a.ulid().toString()), ShipTestSupport.SIDECAR);
            MetaFetcher f = new MetaFetcher(b, 2);
            assertEquals(1, f.fetch().metas().size());
            assertEquals(1, b.operations(Operation.GET));
            Upload.upload(b, local.resolve(c.ulid().toString()), ShipTestSupport.SIDECAR);
            assertEquals(2, f.fetch().metas().size());
            assertEquals(2, b.operations(Operation.GET), "only the new block's meta.json is read");
            BlockDeletion.delete(b, a.ulid());
            assertEquals(List.of(c.ulid()), List.copyOf(f.fetch().metas().keySet()));
            assertEquals(2, b.operations(Operation.GET));
        }
    }

    @Test
    void fetch_failsOnABucketError_ratherThanCallingTheBlockPartial() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        BlockMeta a = ShipTestSupport.writeBlock(local, 31, 0);
        Bucket fs = ShipTestSupport.Kind.FILESYSTEM.open(tmp);
        Upload.upload(fs, local.resolve(a.ulid().toString()), ShipTestSupport.SIDECAR);
        // call 1 is the listing, call 2 the meta.json get
        FailingBucket failing = new FailingBucket(fs, 2, FailingBucket.Mode.BEFORE);
        IOException e = assertThrows(IOException.class, () -> new MetaFetcher(failing, 1).fetch());
        assertTrue(e.getMessage().startsWith("fetch block metas from bucket "), e.getMessage());
        assertTrue(e.getMessage().contains("injected failure"), e.getMessage());
    }
}
