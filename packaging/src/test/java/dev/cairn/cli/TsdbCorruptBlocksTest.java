package dev.cairn.cli;

import dev.cairn.tsdb.tool.OpenMetricsFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged blocks: the tools name the damaged file in one sentence, exit non-zero, print no stack
 * trace, and still show the blocks that are fine.
 */
class TsdbCorruptBlocksTest {
    @TempDir
    static Path tmp;
    static Path pristine;
    static List<String> ulids;

    @BeforeAll
    static void writeBlocks() throws IOException {
        Path in = tmp.resolve("in.om");
        OpenMetricsFixture.write(in, 1_700_000_000_000L, 5, 7);
        pristine = tmp.resolve("pristine");
        CliRun r = CliRun.of("tsdb", "create-blocks-from", "-q", "openmetrics", in.toString(), pristine.toString());
        assertEquals(0, r.exitCode(), r.toString());
        try (Stream<Path> s = Files.list(pristine)) {
            ulids = s.map(p -> p.getFileName().toString()).filter(n -> n.length() == 26).sorted().collect(Collectors.toList());
        }
        assertTrue(ulids.size() >= 3, ulids.toString());
    }

    @Test
    void truncatedIndex_blockSkippedWithWarningNamingTheIndex() throws IOException {
        Path db = copy("truncated-index");
        Path index = db.resolve(ulids.get(0)).resolve("index");
        truncate(index, Files.size(index) / 2);
        assertSkippedInListAndDump(db, index.toString());
    }

    @Test
    void badIndexMagic_blockSkipped() throws IOException {
        Path db = copy("index-magic");
        Path index = db.resolve(ulids.get(0)).resolve("index");
        overwrite(index, 0, new byte[] {0, 0, 0, 0});
        CliRun r = assertSkippedInListAndDump(db, index.toString());
        assertTrue(r.err().contains("bad magic number"), r.toString());
    }

    @Test
    void badChunkSegmentMagic_blockSkipped() throws IOException {
        Path db = copy("chunk-magic");
        Path seg = db.resolve(ulids.get(1)).resolve("chunks").resolve("000001");
        overwrite(seg, 0, new byte[] {1, 2, 3, 4});
        assertSkippedInListAndDump(db, seg.toString());
    }

    @Test
    void garbageMetaJson_blockSkipped() throws IOException {
        Path db = copy("meta");
        Path meta = db.resolve(ulids.get(2)).resolve("meta.json");
        Files.writeString(meta, "{\"ulid\": \"not json", StandardCharsets.UTF_8);
        assertSkippedInListAndDump(db, meta.toString());
    }

    @Test
    void truncatedChunkFile_dumpFailsNamingIt() throws IOException {
        Path db = copy("truncated-chunks");
        Path seg = db.resolve(ulids.get(0)).resolve("chunks").resolve("000001");
        truncate(seg, Files.size(seg) / 2);
        assertDumpFailsNaming(db, seg.toString());
    }

    @Test
    void flippedChunkByte_dumpFailsWithChecksumErrorNamingTheFile() throws IOException {
        Path db = copy("chunk-crc");
        Path seg = db.resolve(ulids.get(0)).resolve("chunks").resolve("000001");
        flip(seg, Files.size(seg) / 2);
        CliRun r = assertDumpFailsNaming(db, seg.toString());
        assertTrue(r.err().toLowerCase().contains("checksum") || r.err().toLowerCase().contains("crc"), r.toString());
    }

    @Test
    void flippedIndexSeriesByte_dumpFailsNamingTheIndex() throws IOException {
        Path db = copy("index-crc");
        Path index = db.resolve(ulids.get(0)).resolve("index");
        // The symbol table comes first; a byte a little past it is in the series section.
        flip(index, Files.size(index) / 3);
        CliRun list = CliRun.of("tsdb", "list", db.toString());
        CliRun dump = CliRun.of("tsdb", "dump", db.toString());
        assertFalse(list.exitCode() == 0 && dump.exitCode() == 0, "damage went unnoticed:\n" + list + "\n" + dump);
        for (CliRun r : List.of(list, dump)) {
            if (r.exitCode() != 0) {
                assertTrue(r.err().contains(index.toString()), r.toString());
                assertFalse(r.hasStackTrace(), r.toString());
            }
        }
    }

    private static CliRun assertSkippedInListAndDump(Path db, String damagedFile) {
        CliRun list = CliRun.of("tsdb", "list", db.toString());
        assertEquals(1, list.exitCode(), list.toString());
        assertFalse(list.hasStackTrace(), list.toString());
        String[] warnings = list.err().split("\n");
        assertEquals(1, warnings.length, list.toString());
        assertTrue(warnings[0].startsWith("cairn: warning: skipping block "), list.toString());
        assertTrue(warnings[0].contains(damagedFile), list.toString());
        // The other blocks are still listed.
        assertEquals(ulids.size() - 1, list.out().lines().count() - 1, list.toString());

        CliRun dump = CliRun.of("tsdb", "dump", db.toString());
        assertEquals(1, dump.exitCode(), dump.toString());
        assertFalse(dump.hasStackTrace(), dump.toString());
        assertTrue(dump.err().contains(damagedFile), dump.toString());
        assertTrue(dump.out().lines().count() > 1000, "the good blocks are still dumped");
        return list;
    }

    private static CliRun assertDumpFailsNaming(Path db, String damagedFile) {
        CliRun r = CliRun.of("tsdb", "dump", db.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertFalse(r.hasStackTrace(), r.toString());
        assertTrue(r.err().startsWith("cairn: "), r.toString());
        assertTrue(r.err().contains(damagedFile), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        return r;
    }

    private static Path copy(String name) throws IOException {
        Path dst = tmp.resolve(name);
        try (Stream<Path> s = Files.walk(pristine)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dst.resolve(pristine.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return dst;
    }

    private static void truncate(Path f, long size) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    private static void overwrite(Path f, long at, byte[] bytes) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(at);
            raf.write(bytes);
        }
    }

    private static void flip(Path f, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5A);
        }
    }

    @Test
    void blockDirectoryGivenForTheDb_saysToGiveItsParent() {
        Path block = pristine.resolve(ulids.get(0));
        CliRun r = CliRun.of("tsdb", "list", block.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("cairn: " + block + " is a block, not a TSDB directory: give the directory that holds it ("
                + pristine.toAbsolutePath() + ")\n", r.err());
    }
}
