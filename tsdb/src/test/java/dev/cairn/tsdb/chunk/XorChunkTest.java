package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XorChunkTest {

    static XorChunk encode(SampleGen.Samples s) {
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        for (int i = 0; i < s.size(); i++) {
            app.appendBits(s.t()[i], s.v()[i]);
        }
        return c;
    }

    static void assertDecodes(SampleGen.Samples s, Chunk c, String what) {
        assertEquals(s.size(), c.numSamples(), what + ": count header");
        XorIterator it = (XorIterator) c.iterator(null);
        for (int i = 0; i < s.size(); i++) {
            int at = i;
            // messages built only on failure: this runs for millions of samples
            assertTrue(it.next(), () -> what + ": sample " + at + " missing");
            assertEquals(s.t()[i], it.atT(), () -> what + ": timestamp of sample " + at);
            assertEquals(s.v()[i], it.atVBits(), () -> what + ": value bits of sample " + at);
        }
        assertFalse(it.next(), what + ": extra sample");
    }

    @Test
    void roundTrip_everyTimeAndValueShape_decodesEveryBit() {
        Random r = new Random(1);
        for (SampleGen.Times times : SampleGen.Times.values()) {
            for (SampleGen.Values values : SampleGen.Values.values()) {
                for (int n : new int[] {1, 2, 3, 4, 119, 120, 121, 240, 1000}) {
                    SampleGen.Samples s = SampleGen.generate(r, n, times, values);
                    assertDecodes(s, encode(s), times + "/" + values + "/" + n);
                }
            }
        }
    }

    @Test
    void roundTrip_randomSeries_decodesEveryBit() {
        Random r = new Random(2);
        for (int round = 0; round < 3000; round++) {
            int n = 1 + r.nextInt(r.nextBoolean() ? 130 : 600);
            SampleGen.Samples s = SampleGen.random(r, n);
            assertDecodes(s, encode(s), "round " + round);
        }
    }

    /**
     * Three samples encoded by hand from the format description (docs/format/chunks.md):
     * t=1000 v=1.0, t=2000 v=1.0, t=3000 v=2.0.
     */
    @Test
    void append_threeSamples_matchesHandEncodedBits() {
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        app.append(1000, 1.0);
        app.append(2000, 1.0);
        app.append(3000, 2.0);
        byte[] want = HexFormat.of().parseHex(
            "0003"              // 3 samples
                + "d00f"        // varint(1000): zig-zag 2000
                + "3ff0000000000000" // 1.0
                + "e807"        // uvarint(1000)
                // 0 (v same) | 0 (dod 0) 1 1 (new window) 00001 (1 leading zero) 001011 (11 bits) 11111111111
                + "3097ffc0");
        assertEquals(HexFormat.of().formatHex(want), HexFormat.of().formatHex(c.toByteArray()));
    }

    @Test
    void append_oneSample_leavesBstreamTrailingEmptyByte() {
        XorChunk c = new XorChunk();
        c.appender().append(1, 3.5);
        // 2 header + 1 varint + 8 value + 1 empty byte that bstream appends after whole-byte writes
        assertEquals(12, c.length());
        assertEquals(0, c.bytes()[11]);
    }

    @Test
    void append_staleMarkerAndNaNPayloads_keepsRawBits() {
        long[] bits = {SampleGen.STALE_NAN, 0x7ff8000000000001L, 0xfff0000000000001L, -1L, SampleGen.STALE_NAN};
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        for (int i = 0; i < bits.length; i++) {
            app.append(i * 1000L, Double.longBitsToDouble(bits[i]));
        }
        XorIterator it = c.iterator(null);
        for (long b : bits) {
            assertTrue(it.next());
            assertEquals(Long.toHexString(b), Long.toHexString(it.atVBits()));
            assertEquals(Long.toHexString(b), Long.toHexString(Double.doubleToRawLongBits(it.atV())));
        }
    }

    @Test
    void append_pastUint16Samples_isRejected() {
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        for (int i = 0; i < XorChunk.MAX_SAMPLES; i++) {
            app.append(i, i);
        }
        assertEquals(XorChunk.MAX_SAMPLES, c.numSamples());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> app.append(1L << 20, 0));
        assertTrue(e.getMessage().contains("full"), e.getMessage());
        assertEquals(XorChunk.MAX_SAMPLES, c.numSamples());
    }

    @Test
    void appender_secondCall_isRejected() {
        XorChunk c = new XorChunk();
        c.appender();
        assertThrows(IllegalStateException.class, c::appender);
    }

    @Test
    void iterator_reuse_resetsToAnotherChunk() {
        Random r = new Random(3);
        SampleGen.Samples a = SampleGen.random(r, 50);
        SampleGen.Samples b = SampleGen.random(r, 7);
        XorChunk ca = encode(a);
        XorChunk cb = encode(b);
        XorIterator it = ca.iterator(null);
        it.next();
        it.next();
        assertSame(it, cb.iterator(it));
        for (int i = 0; i < b.size(); i++) {
            assertTrue(it.next());
            assertEquals(b.t()[i], it.atT());
            assertEquals(b.v()[i], it.atVBits());
        }
        assertFalse(it.next());
    }

    @Test
    void iterator_whileAppending_seesSamplesPresentAtCreation() {
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        for (int i = 0; i < 10; i++) {
            app.append(i * 15_000L, i);
        }
        XorIterator it = c.iterator(null);
        for (int i = 10; i < 500; i++) {
            app.append(i * 15_000L + (i % 3), i * 0.5);
        }
        int n = 0;
        while (it.next()) {
            assertEquals(n * 15_000L, it.atT());
            n++;
        }
        assertEquals(10, n);
    }

    @Test
    void iterator_reused_allocatesNothingPerSample() {
        Random r = new Random(9);
        XorChunk[] chunks = new XorChunk[8];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = encode(SampleGen.random(r, 120));
        }
        com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        XorIterator it = new XorIterator();
        long sink = 0;
        long before = 0;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up; the second is measured
            before = mx.getThreadAllocatedBytes(tid);
            for (int round = 0; round < 2000; round++) {
                for (XorChunk c : chunks) {
                    c.iterator(it);
                    while (it.next()) {
                        sink += it.atT() + it.atVBits();
                    }
                }
            }
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(sink != 1);
        // 1.9 million samples; a few hundred bytes of slack for the measuring itself
        assertTrue(allocated < 4096, "iterating allocated " + allocated + " bytes");
    }

    @Test
    void seek_movesForwardOnlyToFirstSampleAtOrAfter() {
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        for (int i = 1; i <= 5; i++) {
            app.append(i * 10L, i);
        }
        XorIterator it = c.iterator(null);
        assertTrue(it.seek(-100));
        assertEquals(10, it.atT());
        assertTrue(it.seek(25));
        assertEquals(30, it.atT());
        assertTrue(it.seek(30));
        assertEquals(30, it.atT());
        assertTrue(it.seek(0), "seek never moves backwards");
        assertEquals(30, it.atT());
        assertTrue(it.next());
        assertEquals(40, it.atT());
        assertFalse(it.seek(51));
        assertFalse(it.seek(0), "an exhausted iterator stays exhausted");
        assertFalse(it.next());
    }

    @Test
    void iterator_emptyChunk_hasNoSamples() {
        XorChunk c = new XorChunk();
        assertEquals(2, c.length());
        XorIterator it = c.iterator(null);
        assertFalse(it.next());
        assertFalse(it.seek(Long.MIN_VALUE));
    }

    @Test
    void wrap_withOffset_readsTheWindowOnly() {
        Random r = new Random(4);
        SampleGen.Samples s = SampleGen.random(r, 80);
        byte[] data = encode(s).toByteArray();
        byte[] framed = new byte[data.length + 10];
        Arrays.fill(framed, (byte) 0x5A);
        System.arraycopy(data, 0, framed, 7, data.length);
        XorChunk w = XorChunk.wrap(framed, 7, data.length);
        assertArrayEquals(data, w.toByteArray());
        assertDecodes(s, w, "wrapped");
        XorIterator it = new XorIterator();
        it.reset(framed, 7, data.length);
        int n = 0;
        while (it.next()) {
            assertEquals(s.t()[n], it.atT());
            n++;
        }
        assertEquals(s.size(), n);
    }

    @Test
    void appender_onWrappedChunk_continuesWithoutTouchingTheSource() {
        Random r = new Random(5);
        for (int round = 0; round < 300; round++) {
            SampleGen.Samples s = SampleGen.random(r, 1 + r.nextInt(150));
            int cut = r.nextInt(s.size() + 1);
            XorChunk first = new XorChunk();
            XorAppender a1 = first.appender();
            for (int i = 0; i < cut; i++) {
                a1.appendBits(s.t()[i], s.v()[i]);
            }
            byte[] source = first.toByteArray();
            byte[] copy = source.clone();
            XorChunk reopened = XorChunk.wrap(source, 0, source.length);
            XorAppender a2 = reopened.appender();
            for (int i = cut; i < s.size(); i++) {
                a2.appendBits(s.t()[i], s.v()[i]);
            }
            assertArrayEquals(copy, source, "source bytes changed");
            assertDecodes(s, reopened, "round " + round + " reopened after " + cut);
        }
    }

    @Test
    void iterator_truncatedChunk_throwsCorruptionNamingOrigin() {
        Random r = new Random(6);
        SampleGen.Samples s = SampleGen.generate(r, 100, SampleGen.Times.IRREGULAR, SampleGen.Values.GAUGE);
        byte[] data = encode(s).toByteArray();
        XorChunk cut = XorChunk.wrap(data, 0, data.length / 2, "chunks/000001", 4242);
        XorIterator it = cut.iterator(null);
        CorruptionException e = assertThrows(CorruptionException.class, () -> {
            while (it.next()) {
                // read until the bits run out
            }
        });
        assertEquals("chunks/000001", e.file());
        assertTrue(e.offset() >= 4242 && e.offset() <= 4242 + data.length, "offset " + e.offset());
    }

    @Test
    void seek_randomTargets_matchesALinearScan() {
        Random r = new Random(10);
        XorIterator it = new XorIterator();
        for (int round = 0; round < 500; round++) {
            SampleGen.Samples s = SampleGen.generate(r, 1 + r.nextInt(200), SampleGen.Times.IRREGULAR,
                SampleGen.Values.GAUGE);
            XorChunk c = encode(s);
            c.iterator(it);
            int pos = -1; // index of the current sample in the model
            for (int step = 0; step < 10; step++) {
                long target = s.t()[r.nextInt(s.size())] + r.nextInt(3) - 1;
                int want = pos < 0 ? 0 : pos;
                while (want < s.size() && s.t()[want] < target) {
                    want++;
                }
                boolean found = it.seek(target);
                assertEquals(want < s.size(), found, "round " + round + " seek " + target);
                if (!found) {
                    break;
                }
                pos = want;
                assertEquals(s.t()[pos], it.atT());
                assertEquals(s.v()[pos], it.atVBits());
            }
        }
    }

    /** Damaged bytes must decode to something or throw CorruptionException: never another exception, never hang. */
    @Test
    void iterator_flippedOrTruncatedBytes_failOnlyWithCorruption() {
        Random r = new Random(12);
        XorIterator it = new XorIterator();
        for (int round = 0; round < 3000; round++) {
            byte[] data = encode(SampleGen.random(r, 1 + r.nextInt(130))).toByteArray();
            int len = data.length;
            switch (r.nextInt(3)) {
                case 0 -> data[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> len = 2 + r.nextInt(len - 1);
                default -> {
                    for (int k = 0; k < 4; k++) {
                        data[r.nextInt(len)] = (byte) r.nextInt(256);
                    }
                }
            }
            it.reset(data, 0, len);
            try {
                int n = 0;
                while (it.next()) {
                    n++;
                }
                assertTrue(n <= XorChunk.MAX_SAMPLES);
            } catch (CorruptionException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= len, "offset " + expected.offset());
            }
        }
    }

    @Test
    void wrap_shorterThanCountHeader_throwsCorruption() {
        CorruptionException e = assertThrows(CorruptionException.class,
            () -> XorChunk.wrap(new byte[] {1}, 0, 1, "chunks/000003", 99));
        assertEquals(99, e.offset());
    }
}
