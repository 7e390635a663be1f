package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentReaderTest {
    private static final int PAGE = 32 * 1024;

    @TempDir
    Path dir;

    private WalOptions opts() {
        return WalOptions.defaults().withSegmentSize(4 * PAGE).withSyncPolicy(SyncPolicy.NONE);
    }

    /** Writes records 0..n-1 of the given sizes without closing the WAL cleanly (no final padding). */
    private long[] writeUnpadded(int n, int size) throws IOException {
        long[] ends = new long[n];
        Wal wal = Wal.open(dir, opts());
        for (int i = 0; i < n; i++) {
            wal.log(TestRecords.make(i, size));
            ends[i] = Files.size(dir.resolve(Segments.name(wal.segmentIndex())));
        }
        // Abandon without close(), as a killed process would: bytes already written stay.
        return ends;
    }

    private static void cut(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5A);
        }
    }

    private List<Long> readNumbers(SegmentReader r) throws IOException {
        List<Long> out = new ArrayList<>();
        while (r.next()) {
            out.add(TestRecords.check(r.recordBytes()));
        }
        return out;
    }

    @Test
    void next_lastSegmentCutAtAnyByteOfItsLastRecord_returnsEarlierRecordsAndReportsTornTail() throws IOException {
        // Record 3 spans two pages (first + last fragment), so cuts land in both fragments and headers.
        long[] ends = writeUnpadded(4, 20_000);
        Path seg = dir.resolve("00000000");
        byte[] whole = Files.readAllBytes(seg);
        for (long size = ends[2] + 1; size < ends[3]; size += 997) {
            Files.write(seg, java.util.Arrays.copyOf(whole, (int) size));
            try (SegmentReader r = SegmentReader.open(dir)) {
                assertEquals(List.of(0L, 1L, 2L), readNumbers(r), "cut at " + size);
                TornTail t = r.tornTail();
                assertNotNull(t, "cut at " + size);
                assertEquals(ends[2], t.offset(), "the cut point is where record 3 starts");
                assertEquals(seg, t.file());
            }
        }
    }

    @Test
    void open_tornTail_isCutAndNewRecordsFollowReadably() throws IOException {
        long[] ends = writeUnpadded(3, 5000);
        Path seg = dir.resolve("00000000");
        cut(seg, ends[2] - 10);
        try (Wal wal = Wal.open(dir, opts())) {
            wal.log(TestRecords.make(3, 100));
        }
        assertEquals(ends[1], Files.size(seg), "torn record 2 was cut off");
        try (SegmentReader r = SegmentReader.open(dir)) {
            assertEquals(List.of(0L, 1L, 3L), readNumbers(r));
            assertNull(r.tornTail());
        }
    }

    @Test
    void next_flippedByteInMiddleSegment_throwsCorruptionNamingFileAndOffset() throws IOException {
        try (Wal wal = Wal.open(dir, opts())) {
            for (int i = 0; i < 40; i++) {
                wal.log(TestRecords.make(i, 9000));
            }
        }
        assertTrue(Files.exists(dir.resolve("00000002")), "needs at least three segments");
        Path middle = dir.resolve("00000001");
        long at = PAGE + 123; // inside the data of a fragment in the second page
        flip(middle, at);
        CorruptionException e = assertThrows(CorruptionException.class, () -> {
            try (SegmentReader r = SegmentReader.open(dir)) {
                readNumbers(r);
            }
        });
        assertEquals(middle.toString(), e.file());
        assertTrue(e.offset() >= PAGE && e.offset() <= at, "offset " + e.offset() + " is the damaged fragment's");
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void next_damageInLastSegmentFollowedByValidPages_isCorruptionNotTornTail() throws IOException {
        writeUnpadded(12, 9000); // about 3.3 pages in one segment
        Path seg = dir.resolve("00000000");
        flip(seg, 100);
        CorruptionException e = assertThrows(CorruptionException.class, () -> {
            try (SegmentReader r = SegmentReader.open(dir)) {
                readNumbers(r);
            }
        });
        assertEquals(0, e.offset());
        assertThrows(CorruptionException.class, () -> Wal.open(dir, opts()).close(),
                "opening must not cut away readable records");
    }

    @Test
    void next_garbageInFinalPageOfLastSegment_isTornTail() throws IOException {
        long[] ends = writeUnpadded(5, 9000);
        Path seg = dir.resolve("00000000");
        flip(seg, ends[3] + 20);
        try (SegmentReader r = SegmentReader.open(dir)) {
            assertEquals(List.of(0L, 1L, 2L, 3L), readNumbers(r));
            assertEquals(ends[3], r.tornTail().offset());
        }
    }

    @Test
    void open_rangeEndingBeforeNewestSegment_treatsDamageAsCorruption() throws IOException {
        try (Wal wal = Wal.open(dir, opts())) {
            wal.log(TestRecords.make(0, 5000));
            wal.log(TestRecords.make(1, 5000));
            wal.nextSegment();
            wal.log(TestRecords.make(2, 10));
        }
        cut(dir.resolve("00000000"), 6000);
        assertThrows(CorruptionException.class, () -> {
            try (SegmentReader r = SegmentReader.open(dir, 0, 0)) {
                readNumbers(r);
            }
        });
    }

    @Test
    void open_gapBetweenSegments_isReported() throws IOException {
        try (Wal wal = Wal.open(dir, opts())) {
            wal.nextSegment();
            wal.nextSegment();
        }
        Files.delete(dir.resolve("00000001"));
        IOException e = assertThrows(IOException.class, () -> SegmentReader.open(dir));
        assertTrue(e.getMessage().contains("not sequential"), e.getMessage());
    }

    @Test
    void next_snappyCompressedRecord_isDecompressed() throws IOException {
        // A hand-built fragment with the snappy flag: "abcabcabcabc" as literal "abc" + copy(offset 3, len 9).
        byte[] block = {12, 0b000010_00, 'a', 'b', 'c', (byte) ((9 - 4) << 2 | 1), 3};
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(block);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(7 + block.length);
        b.put((byte) (1 | 8)).putShort((short) block.length).putInt((int) c.getValue()).put(block);
        Files.write(dir.resolve("00000000"), b.array());
        try (SegmentReader r = SegmentReader.open(dir)) {
            assertTrue(r.next());
            assertEquals("abcabcabcabc", new String(r.recordBytes(), java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
