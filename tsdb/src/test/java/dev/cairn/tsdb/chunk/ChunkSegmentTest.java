package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkSegmentTest {
    @TempDir
    Path tmp;

    private static List<XorChunk> randomChunks(Random r, int n) {
        List<XorChunk> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(XorChunkTest.encode(SampleGen.random(r, 1 + r.nextInt(150))));
        }
        return out;
    }

    private static long[] writeAll(Path dir, long segmentSize, List<XorChunk> chunks) throws IOException {
        long[] refs = new long[chunks.size()];
        try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir, segmentSize)) {
            for (int i = 0; i < refs.length; i++) {
                refs[i] = w.write(chunks.get(i));
            }
        }
        return refs;
    }

    private static byte[] bytesOf(Chunk c) {
        return Arrays.copyOf(c.bytes(), c.length());
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void roundTrip_manyChunks_readBackByRef() throws IOException {
        List<XorChunk> chunks = randomChunks(new Random(1), 500);
        Path dir = tmp.resolve("chunks");
        long[] refs = writeAll(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE, chunks);
        assertEquals(List.of("000001"), files(dir));
        byte[] header = Arrays.copyOf(Files.readAllBytes(dir.resolve("000001")), 8);
        assertEquals("85bd40dd01000000", HexFormat.of().formatHex(header));
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            assertEquals(1, r.segmentCount());
            assertEquals(Files.size(dir.resolve("000001")), r.size());
            for (int i = chunks.size() - 1; i >= 0; i--) {
                Chunk c = r.chunk(refs[i]);
                assertArrayEquals(chunks.get(i).toByteArray(), bytesOf(c), "chunk " + i);
                assertEquals(chunks.get(i).numSamples(), c.numSamples());
            }
        }
    }

    @Test
    void write_smallSegments_cutsFilesWithoutStraddlingAndRefsCarryTheIndex() throws IOException {
        List<XorChunk> chunks = randomChunks(new Random(2), 300);
        Path dir = tmp.resolve("chunks");
        long limit = 4096;
        long[] refs = writeAll(dir, limit, chunks);
        List<String> names = files(dir);
        assertTrue(names.size() > 5, "expected several segments, got " + names);
        for (int i = 0; i < names.size(); i++) {
            assertEquals(ChunkSegments.fileName(i + 1), names.get(i));
            long size = Files.size(dir.resolve(names.get(i)));
            assertTrue(size <= limit, names.get(i) + " has " + size + " bytes, over the " + limit + " limit");
        }
        int lastIndex = -1;
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            assertEquals(names.size(), r.segmentCount());
            for (int i = 0; i < refs.length; i++) {
                int index = (int) (refs[i] >>> 32);
                assertTrue(index == lastIndex || index == lastIndex + 1, "segment index jumps at chunk " + i);
                if (index != lastIndex) {
                    assertEquals(ChunkSegments.HEADER_SIZE, (int) refs[i], "first chunk of a segment follows its header");
                }
                lastIndex = index;
                assertArrayEquals(chunks.get(i).toByteArray(), bytesOf(r.chunk(refs[i])), "chunk " + i);
            }
        }
        assertEquals(names.size() - 1, lastIndex);
    }

    @Test
    void write_chunkLargerThanASegment_getsAFileOfItsOwn() throws IOException {
        Random r = new Random(3);
        XorChunk small = XorChunkTest.encode(SampleGen.random(r, 3));
        XorChunk big = XorChunkTest.encode(SampleGen.generate(r, 2000, SampleGen.Times.IRREGULAR,
            SampleGen.Values.RANDOM_BITS));
        Path dir = tmp.resolve("chunks");
        long[] refs = writeAll(dir, 1024, List.of(small, big, small));
        assertTrue(big.length() > 1024);
        assertEquals(List.of("000001", "000002", "000003"), files(dir));
        assertEquals(ChunkMeta.ref(1, 8), refs[1]);
        assertEquals(ChunkMeta.ref(2, 8), refs[2]);
        try (ChunkSegmentReader rd = ChunkSegmentReader.open(dir)) {
            assertArrayEquals(big.toByteArray(), bytesOf(rd.chunk(refs[1])));
        }
    }

    @Test
    void write_noChunks_leavesAnEmptyDirectoryThatReadsAsNoSegments() throws IOException {
        Path dir = tmp.resolve("chunks");
        writeAll(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE, List.of());
        assertEquals(List.of(), files(dir));
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            assertEquals(0, r.segmentCount());
            CorruptionException e = assertThrows(CorruptionException.class, () -> r.chunk(ChunkMeta.ref(0, 8)));
            assertEquals(dir.resolve("000001").toString(), e.file());
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }

    @Test
    void writer_directoryWithSegments_isRejected() throws IOException {
        Path dir = tmp.resolve("chunks");
        writeAll(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE, randomChunks(new Random(4), 1));
        assertThrows(FileAlreadyExistsException.class, () -> new ChunkSegmentWriter(dir));
    }

    @Test
    void reader_missingDirectory_saysSo() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
            () -> ChunkSegmentReader.open(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    /** Writes three chunks into one segment; returns their refs. */
    private long[] oneSegment(Path dir) throws IOException {
        return writeAll(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE, randomChunks(new Random(5), 3));
    }

    @Test
    void reader_truncatedSegment_namesFileAndChunkOffset() throws IOException {
        Path dir = tmp.resolve("chunks");
        long[] refs = oneSegment(dir);
        Path seg = dir.resolve("000001");
        byte[] all = Files.readAllBytes(seg);
        Files.write(seg, Arrays.copyOf(all, all.length - 3));
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            r.chunk(refs[0]);
            CorruptionException e = assertThrows(CorruptionException.class, () -> r.chunk(refs[2]));
            assertEquals(seg.toString(), e.file());
            assertEquals((int) refs[2], e.offset());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void reader_truncatedInsideLengthField_namesFileAndChunkOffset() throws IOException {
        Path dir = tmp.resolve("chunks");
        long[] refs = oneSegment(dir);
        Path seg = dir.resolve("000001");
        // keep only the first byte of the last chunk's length field, with its continuation bit forced on
        byte[] cut = Arrays.copyOf(Files.readAllBytes(seg), (int) refs[2] + 1);
        cut[cut.length - 1] |= (byte) 0x80;
        Files.write(seg, cut);
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, () -> r.chunk(refs[2]));
            assertEquals(seg.toString(), e.file());
            assertEquals((int) refs[2], e.offset());
        }
    }

    @Test
    void reader_flippedDataBit_failsChecksumWithFileAndOffset() throws IOException {
        Path dir = tmp.resolve("chunks");
        long[] refs = oneSegment(dir);
        Path seg = dir.resolve("000001");
        byte[] all = Files.readAllBytes(seg);
        int inData = (int) refs[1] + 5;
        all[inData] ^= 0x10;
        Files.write(seg, all);
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            r.chunk(refs[0]);
            r.chunk(refs[2]);
            CorruptionException e = assertThrows(CorruptionException.class, () -> r.chunk(refs[1]));
            assertEquals(seg.toString(), e.file());
            assertEquals((int) refs[1], e.offset());
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    @Test
    void reader_badMagic_isRejectedAtOpen() throws IOException {
        Path dir = tmp.resolve("chunks");
        oneSegment(dir);
        Path seg = dir.resolve("000001");
        byte[] all = Files.readAllBytes(seg);
        all[0] = 0x12;
        Files.write(seg, all);
        CorruptionException e = assertThrows(CorruptionException.class, () -> ChunkSegmentReader.open(dir));
        assertEquals(seg.toString(), e.file());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void reader_wrongVersion_isRejectedAtOpen() throws IOException {
        Path dir = tmp.resolve("chunks");
        oneSegment(dir);
        Path seg = dir.resolve("000001");
        byte[] all = Files.readAllBytes(seg);
        all[4] = 2;
        Files.write(seg, all);
        CorruptionException e = assertThrows(CorruptionException.class, () -> ChunkSegmentReader.open(dir));
        assertEquals(seg.toString(), e.file());
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void reader_emptySegmentFile_isReportedAsEmpty() throws IOException {
        Path dir = tmp.resolve("chunks");
        oneSegment(dir);
        Files.write(dir.resolve("000002"), new byte[0]);
        CorruptionException e = assertThrows(CorruptionException.class, () -> ChunkSegmentReader.open(dir));
        assertEquals(dir.resolve("000002").toString(), e.file());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void reader_segmentShorterThanHeader_isReportedAsTruncated() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("chunks"));
        Files.write(dir.resolve("000001"), new byte[] {(byte) 0x85, (byte) 0xBD, 0x40});
        CorruptionException e = assertThrows(CorruptionException.class, () -> ChunkSegmentReader.open(dir));
        assertEquals(dir.resolve("000001").toString(), e.file());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void reader_gapInSegmentNumbers_namesTheMissingFile() throws IOException {
        Path dir = tmp.resolve("chunks");
        writeAll(dir, 1024, randomChunks(new Random(6), 40));
        assertTrue(files(dir).size() >= 3);
        Files.delete(dir.resolve("000002"));
        CorruptionException e = assertThrows(CorruptionException.class, () -> ChunkSegmentReader.open(dir));
        assertEquals(dir.resolve("000002").toString(), e.file());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void reader_refPastTheSegmentEnd_namesFileAndOffset() throws IOException {
        Path dir = tmp.resolve("chunks");
        oneSegment(dir);
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, () -> r.chunk(ChunkMeta.ref(0, 1 << 30)));
            assertEquals(dir.resolve("000001").toString(), e.file());
            assertEquals(1 << 30, e.offset());
            CorruptionException e2 = assertThrows(CorruptionException.class, () -> r.chunk(ChunkMeta.ref(0, 3)));
            assertEquals(3, e2.offset());
            CorruptionException e3 = assertThrows(CorruptionException.class, () -> r.chunk(-1L));
            assertEquals(dir.resolve("4294967296").toString(), e3.file());
        }
    }

    @Test
    void reader_unknownEncodingWithValidChecksum_isCorruption() throws IOException {
        Path dir = tmp.resolve("chunks");
        XorChunk c = XorChunkTest.encode(SampleGen.random(new Random(7), 10));
        Chunk alien = new Chunk() {
            @Override
            public ChunkEncoding encoding() {
                return ChunkEncoding.FLOAT_HISTOGRAM;
            }

            @Override
            public byte[] bytes() {
                return c.bytes();
            }

            @Override
            public int length() {
                return c.length();
            }

            @Override
            public int numSamples() {
                return c.numSamples();
            }

            @Override
            public ChunkIterator iterator(ChunkIterator reuse) {
                return ChunkIterator.EMPTY;
            }
        };
        long[] refs;
        try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir)) {
            refs = new long[] {w.write(alien)};
        }
        Path seg = dir.resolve("000001");
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, () -> r.chunk(refs[0]));
            assertTrue(u.getMessage().contains(seg.toString()), u.getMessage());
        }
        // an encoding byte no Prometheus writes, with a checksum that matches it
        byte[] all = Files.readAllBytes(seg);
        int encPos = (int) refs[0] + ByteWriter.uvarintSize(c.length());
        all[encPos] = 9;
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(all, encPos, 1 + c.length());
        int sum = (int) crc.getValue();
        int crcPos = encPos + 1 + c.length();
        all[crcPos] = (byte) (sum >>> 24);
        all[crcPos + 1] = (byte) (sum >>> 16);
        all[crcPos + 2] = (byte) (sum >>> 8);
        all[crcPos + 3] = (byte) sum;
        Files.write(seg, all);
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            CorruptionException e = assertThrows(CorruptionException.class, () -> r.chunk(refs[0]));
            assertEquals(encPos, e.offset());
            assertTrue(e.getMessage().contains("encoding 9"), e.getMessage());
        }
    }

    /** Every single-bit flip outside the header padding is caught; none yields different chunk bytes. */
    @Test
    void reader_anySingleBitFlip_isDetectedAsCorruption() throws IOException {
        Path dir = tmp.resolve("chunks");
        Random gen = new Random(9);
        List<XorChunk> chunks = new ArrayList<>();
        for (int n : new int[] {1, 5, 40}) {
            chunks.add(XorChunkTest.encode(SampleGen.generate(gen, n, SampleGen.Times.JITTER, SampleGen.Values.COUNTER)));
        }
        long[] refs = writeAll(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE, chunks);
        Path seg = dir.resolve("000001");
        byte[] original = Files.readAllBytes(seg);
        Random r = new Random(10);
        for (int pos = 0; pos < original.length; pos++) {
            byte[] damaged = original.clone();
            damaged[pos] ^= (byte) (1 << r.nextInt(8));
            Files.write(seg, damaged);
            boolean detected = false;
            try (ChunkSegmentReader rd = ChunkSegmentReader.open(dir)) {
                for (int i = 0; i < refs.length; i++) {
                    try {
                        assertArrayEquals(chunks.get(i).toByteArray(), bytesOf(rd.chunk(refs[i])),
                            "flip at " + pos + " changed chunk " + i + " without an error");
                    } catch (CorruptionException e) {
                        assertEquals(seg.toString(), e.file());
                        detected = true;
                    }
                }
            } catch (CorruptionException e) {
                assertEquals(seg.toString(), e.file());
                detected = true;
            }
            boolean padding = pos >= 5 && pos < ChunkSegments.HEADER_SIZE; // Prometheus does not check it either
            assertEquals(!padding, detected, "flip at byte " + pos);
        }
    }

    @Test
    void reader_afterClose_refusesButEarlierChunksStayValid() throws IOException {
        Path dir = tmp.resolve("chunks");
        long[] refs = oneSegment(dir);
        ChunkSegmentReader r = ChunkSegmentReader.open(dir);
        Chunk c = r.chunk(refs[0]);
        byte[] before = bytesOf(c);
        r.close();
        assertThrows(IllegalStateException.class, () -> r.chunk(refs[0]));
        assertArrayEquals(before, bytesOf(c));
        XorIterator it = (XorIterator) c.iterator(null);
        int n = 0;
        while (it.next()) {
            n++;
        }
        assertEquals(c.numSamples(), n);
    }

    @Test
    void reader_corruptChunkData_iteratorNamesSegmentFile() throws IOException {
        Path dir = tmp.resolve("chunks");
        // a chunk whose count header promises more samples than its bits hold, with a valid checksum
        XorChunk c = XorChunkTest.encode(SampleGen.generate(new Random(8), 20, SampleGen.Times.IRREGULAR,
            SampleGen.Values.GAUGE));
        byte[] lying = c.toByteArray();
        lying[0] = 0x10;
        long ref;
        try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir)) {
            ref = w.write(XorChunk.wrap(lying, 0, lying.length));
        }
        try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
            ChunkIterator it = r.chunk(ref).iterator(null);
            CorruptionException e = assertThrows(CorruptionException.class, () -> {
                while (it.next()) {
                    // until the bits run out
                }
            });
            assertEquals(dir.resolve("000001").toString(), e.file());
            long dataStart = ref + ByteWriter.uvarintSize(lying.length) + 1;
            assertTrue(e.offset() > dataStart && e.offset() <= dataStart + lying.length, "offset " + e.offset());
        }
    }
}
