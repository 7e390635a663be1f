package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged index bytes must surface as a {@link CorruptionException} naming the file and an offset
 * inside it, never as a wrong answer: every single-byte flip and every truncation is tried.
 */
class IndexCorruptionTest {
    private static final String NAME = "blocks/01TEST/index";

    @TempDir
    Path dir;
    private byte[] good;
    private String goodReading;

    @BeforeEach
    void writeIndex() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> series = IndexFixtures.randomSeries(new Random(11), 40, 5);
        Path file = dir.resolve("index");
        IndexFixtures.write(file, series);
        good = Files.readAllBytes(file);
        goodReading = readEverything(IndexReader.of(ByteBuffer.wrap(good), NAME, null));
    }

    /** Everything the reader can tell, as text; throws on any corruption the reads hit. */
    private static String readEverything(IndexReader r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.symbols()).append('\n').append(r.labelNames()).append('\n');
        SeriesBuilder b = new SeriesBuilder();
        for (String name : r.labelNames()) {
            for (String value : r.labelValues(name)) {
                sb.append(name).append('=').append(value).append(Arrays.toString(ListPostings.expand(r.postings(name, value)))).append('\n');
            }
        }
        Postings all = r.allPostings();
        while (all.next()) {
            if (!r.series(all.at(), b)) {
                sb.append("no series at ").append(all.at());
            }
            sb.append(all.at()).append(b.labels()).append(b.chunks()).append('\n');
        }
        return sb.toString();
    }

    private void assertNamesFileAndOffset(CorruptionException e, int size) {
        assertEquals(NAME, e.file());
        assertTrue(e.offset() >= 0 && e.offset() <= size, "offset " + e.offset() + " outside the file: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(NAME + " at offset "), e.getMessage());
    }

    @Test
    void everySingleByteFlip_isDetected_andNeverAnswersWrong() {
        Random rnd = new Random(3);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 << rnd.nextInt(8));
            String reading = null;
            try {
                IndexReader r = IndexReader.of(ByteBuffer.wrap(bad), NAME, null);
                reading = readEverything(r);
                r.verify();
                fail("flipped byte at offset " + i + " of " + good.length + " went unnoticed");
            } catch (CorruptionException e) {
                assertNamesFileAndOffset(e, bad.length);
                if (reading != null) {
                    // reads that did not throw must have answered as the intact file does
                    assertEquals(goodReading, reading, "wrong answer after flipping offset " + i);
                }
            }
        }
    }

    @Test
    void everyTruncation_isDetectedAtOpen() {
        for (int len = 0; len < good.length; len++) {
            byte[] bad = Arrays.copyOf(good, len);
            CorruptionException e = assertThrows(CorruptionException.class,
                    () -> IndexReader.of(ByteBuffer.wrap(bad), NAME, null), "truncated to " + len);
            assertNamesFileAndOffset(e, bad.length);
        }
    }

    @Test
    void badMagic_and_v1_areRejectedWithAReason() throws IOException {
        byte[] bad = good.clone();
        bad[0] = 0x12;
        Path file = dir.resolve("index");
        Files.write(file, bad);
        CorruptionException e = assertThrows(CorruptionException.class, () -> IndexReader.open(file));
        assertEquals(file.toString(), e.file());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("magic"), e.getMessage());

        byte[] v1 = good.clone();
        v1[4] = 1;
        e = assertThrows(CorruptionException.class, () -> IndexReader.of(ByteBuffer.wrap(v1), NAME, null));
        assertTrue(e.getMessage().contains("index format v1 not supported"), e.getMessage());
        assertEquals(4, e.offset());
    }

    @Test
    void symbolRefOutOfRange_withValidChecksum_isCorruption() {
        IndexReader r = IndexReader.of(ByteBuffer.wrap(good), NAME, null);
        long ref = ListPostings.expand(r.allPostings())[0];
        int off = (int) (ref * 16);
        // entry: len, label count, name ref, value ref...; all one-byte uvarints in this small index
        int len = good[off];
        int body = off + 1;
        byte[] bad = good.clone();
        bad[body + 2] = 0x7F;
        CRC32C crc = new CRC32C();
        crc.update(bad, body, len);
        ByteBuffer.wrap(bad).putInt(body + len, (int) crc.getValue());
        IndexReader damaged = IndexReader.of(ByteBuffer.wrap(bad), NAME, null);
        CorruptionException e = assertThrows(CorruptionException.class, () -> damaged.series(ref, new SeriesBuilder()));
        assertTrue(e.getMessage().contains("symbol ref 127 out of range"), e.getMessage());
        assertEquals(body + 1, e.offset(), "the offset of the label pair that names the symbol");
        assertThrows(CorruptionException.class, damaged::verify);
    }

    @Test
    void postingsListCorruption_onDisk_namesThePath() throws IOException {
        // the TOC's postings offset points at (or just before, by padding) the all-postings list
        long postings = ByteBuffer.wrap(good).getLong(good.length - 52 + 32);
        int firstRef = (int) ((postings + 3) / 4 * 4) + 8;
        byte[] bad = good.clone();
        bad[firstRef] ^= 0x40;
        Path file = dir.resolve("index");
        Files.write(file, bad);
        IndexReader damaged = IndexReader.open(file);
        CorruptionException e = assertThrows(CorruptionException.class, () -> ListPostings.expand(damaged.allPostings()));
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().contains("postings list checksum mismatch"), e.getMessage());
    }
}
