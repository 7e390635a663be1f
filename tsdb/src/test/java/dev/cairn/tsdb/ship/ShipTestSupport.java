package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockCompaction;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosFile;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.bucket.S3ProxyServer;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocks, buckets and the bucket invariant for the ship tests. */
final class ShipTestSupport {
    static final Upload.Options SIDECAR = Upload.Options.of(Map.of("cluster", "eu1", "replica", "a"), "sidecar");

    private ShipTestSupport() {
    }

    /** A bucket kind the ship tests run on. */
    enum Kind {
        FILESYSTEM, S3;

        Bucket open(Path tmp) throws Exception {
            return this == FILESYSTEM ? FilesystemBucket.open(tmp.resolve("bucket-" + System.nanoTime()))
                    : S3ProxyServer.shared().newBucket();
        }
    }

    /** A real block written by BlockWriter under {@code parent}, its samples starting at {@code startMs}. */
    static BlockMeta writeBlock(Path parent, long seed, long startMs) throws IOException {
        Random r = new Random(seed);
        List<Samples> series = RandomSeries.generate(r, new RandomSeries.Spec(30, 200, startMs, false, true, true));
        return TestBlocks.write(parent, series, BlockWriter.Options.defaults().withUlid(Ulid.generate()));
    }

    /** A block of compaction level {@code level}. */
    static BlockMeta writeBlock(Path parent, long seed, long startMs, int level) throws IOException {
        Random r = new Random(seed);
        List<Samples> series = RandomSeries.generate(r, new RandomSeries.Spec(5, 50, startMs, false, false, false));
        Ulid id = Ulid.generate();
        return TestBlocks.write(parent, series, BlockWriter.Options.defaults().withUlid(id)
                .withCompaction(new BlockCompaction(level, List.of(id), false, List.of(), false, List.of())));
    }

    static byte[] read(Bucket b, String name) throws IOException {
        try (InputStream in = b.get(name)) {
            return in.readAllBytes();
        }
    }

    /**
     * The invariant of a bucket: every block directory with a meta.json has every file its meta.json
     * lists, at the listed size. Returns how many complete blocks there are.
     */
    static int assertEveryCompleteBlockIsWhole(Bucket b) throws IOException {
        int complete = 0;
        for (String dir : b.list("", false)) {
            String id = dir.substring(0, dir.length() - 1);
            if (!Ulid.isValid(id) || !b.exists(id + "/meta.json")) {
                continue;
            }
            complete++;
            BlockMeta m = MetaJson.parse(read(b, id + "/meta.json"), id + "/meta.json");
            assertTrue(m.thanos() != null && !m.thanos().files().isEmpty(), "uploaded meta.json lists its files");
            for (ThanosFile f : m.thanos().files()) {
                if (f.relPath().equals("meta.json")) {
                    continue;
                }
                assertTrue(b.exists(id + "/" + f.relPath()), "block " + id + " has meta.json but lacks " + f.relPath());
                assertEquals(f.sizeBytes(), b.attributes(id + "/" + f.relPath()).size(), id + "/" + f.relPath());
            }
        }
        return complete;
    }
}
