package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkEncoding;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ChunkSegmentReader;
import dev.cairn.tsdb.chunk.ChunkSegmentWriter;
import dev.cairn.tsdb.chunk.OpaqueChunk;
import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggrChunkTest {
    private static XorChunk xor(Random r, int n, long[] ts, double[] vs) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        long t = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            t += 1 + r.nextInt(300_000);
            double v = r.nextInt(4) == 0 ? r.nextInt(100) : r.nextGaussian() * 1e6;
            ts[i] = t;
            vs[i] = v;
            a.append(t, v);
        }
        return c;
    }

    private static void assertSamples(long[] ts, double[] vs, int n, ChunkIterator it) {
        for (int i = 0; i < n; i++) {
            assertTrue(it.next(), "sample " + i + " missing");
            assertEquals(ts[i], it.atT());
            assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(it.atV()));
        }
        assertFalse(it.next());
    }

    @Test
    void encode_allFiveAggregates_decodeToTheSameSamples() {
        Random r = new Random(1);
        for (int round = 0; round < 50; round++) {
            XorChunk[] subs = new XorChunk[5];
            long[][] ts = new long[5][];
            double[][] vs = new double[5][];
            int[] ns = new int[5];
            for (int k = 0; k < 5; k++) {
                ns[k] = 1 + r.nextInt(200);
                ts[k] = new long[ns[k]];
                vs[k] = new double[ns[k]];
                subs[k] = xor(r, ns[k], ts[k], vs[k]);
            }
            AggrChunk a = AggrChunk.wrap(AggrChunk.encode(subs).bytes(), "test", 0);
            assertEquals(ChunkEncoding.AGGR, a.encoding());
            assertEquals(ns[0], a.numSamples(), "numSamples is the count aggregate's");
            for (AggrType t : AggrType.values()) {
                assertTrue(a.has(t));
                assertSamples(ts[t.ordinal()], vs[t.ordinal()], ns[t.ordinal()], a.iter(t));
            }
        }
    }

    @Test
    void encode_layout_isUvarintLengthEncodingByteDataPerAggregate_andZeroForAbsent() {
        Random r = new Random(2);
        long[] ts = new long[100];
        double[] vs = new double[100];
        XorChunk count = xor(r, 100, ts, vs); // long enough for a two-byte length
        XorChunk max = xor(r, 3, new long[3], new double[3]);
        byte[] b = AggrChunk.encode(new XorChunk[] {count, null, null, max, null}).bytes();

        int len = count.length();
        assertTrue(len >= 128, "test wants a two-byte uvarint, count chunk is " + len + " bytes");
        int pos = 0;
        assertEquals((len & 0x7F) | 0x80, b[pos++] & 0xFF);
        assertEquals(len >>> 7, b[pos++] & 0xFF);
        assertEquals(0x01, b[pos++], "XOR encoding byte");
        assertArrayEquals(Arrays.copyOf(count.bytes(), len), Arrays.copyOfRange(b, pos, pos + len));
        pos += len;
        assertEquals(0, b[pos++], "absent sum: a single zero length");
        assertEquals(0, b[pos++], "absent min");
        assertEquals(max.length(), b[pos++]);
        assertEquals(0x01, b[pos++]);
        pos += max.length();
        assertEquals(0, b[pos++], "absent counter");
        assertEquals(b.length, pos);

        AggrChunk a = AggrChunk.wrap(b, "test", 0);
        assertNull(a.get(AggrType.SUM));
        assertFalse(a.has(AggrType.COUNTER));
        assertFalse(a.iter(AggrType.MIN).next());
        assertEquals(3, a.get(AggrType.MAX).numSamples());
    }

    @Test
    void wrap_truncatedOrForeignData_throwsCorruptionWithOffset() {
        XorChunk c = xor(new Random(3), 10, new long[10], new double[10]);
        byte[] b = AggrChunk.encode(new XorChunk[] {c, c, c, c, c}).bytes();
        CorruptionException e = assertThrows(CorruptionException.class,
            () -> AggrChunk.wrap(Arrays.copyOf(b, b.length - 1), "seg", 100));
        assertTrue(e.getMessage().contains("counter"), e.getMessage());
        byte[] bad = b.clone();
        bad[1] = 7; // the count entry's encoding byte
        assertThrows(CorruptionException.class, () -> AggrChunk.wrap(bad, "seg", 100));
        assertThrows(IllegalArgumentException.class, () -> AggrChunk.of(c));
    }

    @Test
    void segmentFiles_carryAggrChunksUnchanged_besideXorChunks(@TempDir Path dir) throws IOException {
        Random r = new Random(4);
        XorChunk plain = xor(r, 50, new long[50], new double[50]);
        XorChunk[] subs = new XorChunk[5];
        for (int k = 0; k < 5; k++) {
            subs[k] = k == 2 ? null : xor(r, 20 + k, new long[25], new double[25]);
        }
        AggrChunk a = AggrChunk.encode(subs);
        long refPlain;
        long refAggr;
        try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir)) {
            refPlain = w.write(plain);
            refAggr = w.write(a);
        }
        byte[] file = Files.readAllBytes(dir.resolve("000001"));
        int off = (int) refAggr;
        int lenBytes = a.length() < 128 ? 1 : 2;
        assertEquals(0xFF, file[off + lenBytes] & 0xFF, "encoding byte on disk is Thanos's ChunkEncAggr");

        try (ChunkSegmentReader rd = ChunkSegmentReader.open(dir)) {
            Chunk got = rd.chunk(refAggr);
            assertInstanceOf(OpaqueChunk.class, got);
            assertEquals(ChunkEncoding.AGGR, got.encoding());
            assertArrayEquals(a.bytes(), Arrays.copyOf(got.bytes(), got.length()));
            assertThrows(UnsupportedOperationException.class, () -> got.iterator(null));
            assertEquals(a.numSamples(), got.numSamples(), "the opaque chunk counts windows as Thanos does");
            AggrChunk back = AggrChunk.of(got);
            assertEquals(a.numSamples(), back.numSamples());
            assertFalse(back.has(AggrType.MIN));
            assertEquals(ChunkEncoding.XOR, rd.chunk(refPlain).encoding());
        }
        assertSame(a, AggrChunk.of(a));
    }
}
