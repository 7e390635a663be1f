package dev.cairn.tsdb.block;

import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.testing.TestBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged blocks are reported with the file at fault, never read as silently wrong data. */
class BlockCorruptionTest {
    private static Path writeBlock(Path parent, int series) throws Exception {
        List<Samples> s = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            Samples x = new Samples(Labels.of("__name__", "m", "i", String.format("%03d", i)));
            for (int j = 0; j < 300; j++) {
                x.add(j * 15_000L, j * i);
            }
            s.add(x);
        }
        return parent.resolve(TestBlocks.write(parent, s, BlockWriter.Options.defaults()).ulid().toString());
    }

    @Test
    void open_garbageMetaJson_namesMetaJson(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 2);
        Files.writeString(dir.resolve("meta.json"), "{\"ulid\": 17, ");
        CorruptionException e = assertThrows(CorruptionException.class, () -> Block.open(dir));
        assertEquals(dir.resolve("meta.json").toString(), e.file());
        Files.writeString(dir.resolve("meta.json"), "{\"ulid\": \"01HZZZZZZZZZZZZZZZZZZZZZZA\", \"version\": 1}");
        e = assertThrows(CorruptionException.class, () -> Block.open(dir));
        assertTrue(e.getMessage().contains("minTime"), e.getMessage());
    }

    @Test
    void open_missingIndex_saysIndexIsMissing(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 2);
        Files.delete(dir.resolve("index"));
        CorruptionException e = assertThrows(CorruptionException.class, () -> Block.open(dir));
        assertEquals(dir.resolve("index").toString(), e.file());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void open_truncatedIndex_isCorruption(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 5);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("index").toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        CorruptionException e = assertThrows(CorruptionException.class, () -> Block.open(dir));
        assertTrue(e.file().endsWith("index"), e.file());
    }

    @Test
    void truncatedChunks_failOpenOrQueryNamingTheSegment(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 20);
        Path seg = dir.resolve("chunks").resolve("000001");
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        // opening checks only headers; reading the chunks past the cut must fail, naming the segment
        try (Block b = Block.open(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, () -> {
                try (Querier q = b.querier()) {
                    TestBlocks.selectAll(q);
                }
            });
            assertTrue(e.getMessage().contains("000001"), e.getMessage());
            CorruptionException v = assertThrows(CorruptionException.class, b::verify);
            assertTrue(v.getMessage().contains("000001"), v.getMessage());
        }
    }

    @Test
    void missingChunksDir_isCorruption(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 1);
        DurableFiles.deleteRecursively(dir.resolve("chunks"));
        CorruptionException e = assertThrows(CorruptionException.class, () -> Block.open(dir));
        assertTrue(e.getMessage().contains("chunks directory is missing"), e.getMessage());
    }

    @Test
    void flippedChunkByte_failsChecksum(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 3);
        Path seg = dir.resolve("chunks").resolve("000001");
        byte[] b = Files.readAllBytes(seg);
        b[b.length / 2] ^= 0x10;
        Files.write(seg, b);
        try (Block block = Block.open(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, block::verify);
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    @Test
    void verify_metaStatsDisagreeingWithData_isCorruption(@TempDir Path tmp) throws Exception {
        Path dir = writeBlock(tmp, 3);
        BlockMeta m = MetaJson.read(dir);
        MetaJson.write(dir, new BlockMeta(m.ulid(), m.minTime(), m.maxTime(),
                new BlockStats(m.stats().numSamples() + 1, 3, m.stats().numChunks(), 0), m.compaction(), 1, null));
        try (Block b = Block.open(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, b::verify);
            assertTrue(e.getMessage().contains("numSamples"), e.getMessage());
        }
    }

    @Test
    void blockDir_reportsCorruptBlocks_opensTheOthers_skipsTmpAndForeignDirs(@TempDir Path db) throws Exception {
        Path good1 = writeBlock(db, 2);
        Path bad = writeBlock(db, 2);
        Path good2 = writeBlock(db, 2);
        Files.delete(bad.resolve("meta.json"));
        Files.createDirectories(db.resolve("wal"));
        Files.createDirectories(db.resolve("chunks_head"));
        Files.createDirectories(db.resolve(Ulid.generate() + BlockWriter.TMP_SUFFIX));
        Files.createDirectories(db.resolve(Ulid.generate() + ".tmp-for-deletion"));
        try (BlockDir d = BlockDir.open(db)) {
            assertEquals(2, d.blocks().size());
            assertEquals(List.of(good1, good2).stream().map(p -> p.getFileName().toString()).sorted().toList(),
                    d.blocks().stream().map(b -> b.meta().ulid().toString()).sorted().toList());
            assertEquals(1, d.failures().size());
            assertEquals(bad, d.failures().get(0).dir());
            assertTrue(d.failures().get(0).error().getMessage().contains("meta.json"), d.failures().get(0).error().getMessage());
        }
    }
}
