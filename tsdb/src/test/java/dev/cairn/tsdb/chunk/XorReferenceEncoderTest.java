package dev.cairn.tsdb.chunk;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link XorAppender} and the head's {@link XorEncoder} gather several fields of a sample into one bit write; this checks its bytes,
 * length included, against a model that writes exactly as Prometheus's {@code bstream} and
 * {@code xorAppender} do, one call per field (the model is written here from the encoding rules in
 * {@link XorAppender}'s comment and bstream's byte-at-a-time behaviour).
 */
class XorReferenceEncoderTest {
    /** Prometheus's bstream: writeByte always appends the next byte; writeBit appends only when full. */
    private static final class RefStream {
        byte[] b = new byte[16];
        int len;
        int count; // free bits in the last byte

        void writeBit(boolean bit) {
            if (count == 0) {
                append();
                count = 8;
            }
            if (bit) {
                b[len - 1] |= (byte) (1 << (count - 1));
            }
            count--;
        }

        void writeByte(int byt) {
            if (count == 0) {
                append();
                count = 8;
            }
            b[len - 1] |= (byte) ((byt & 0xFF) >>> (8 - count));
            append();
            b[len - 1] = (byte) ((byt & 0xFF) << count);
        }

        void writeBits(long u, int nbits) {
            u <<= 64 - nbits;
            while (nbits >= 8) {
                writeByte((int) (u >>> 56));
                u <<= 8;
                nbits -= 8;
            }
            while (nbits > 0) {
                writeBit((u >>> 63) == 1);
                u <<= 1;
                nbits--;
            }
        }

        private void append() {
            if (len == b.length) {
                b = Arrays.copyOf(b, len * 2);
            }
            b[len++] = 0;
        }
    }

    private static boolean fits(long x, int n) {
        long half = 1L << (n - 1);
        return -(half - 1) <= x && x <= half;
    }

    /** The chunk bytes (2-byte count header included) Prometheus would produce for these samples. */
    static byte[] reference(long[] ts, long[] vs) {
        RefStream s = new RefStream();
        s.writeByte(0);
        s.writeByte(0); // header, as Prometheus's NewXORChunk: two zero bytes, then the stream
        // bstream after two writeBytes holds 3 bytes (the last empty, count 8): drop to the model of a fresh stream
        s.len = 2;
        s.count = 0;
        long t = 0;
        long v = 0;
        long tDelta = 0;
        int leading = 0xFF;
        int trailing = 0;
        for (int i = 0; i < ts.length; i++) {
            if (i == 0) {
                long zz = (ts[0] << 1) ^ (ts[0] >> 63);
                while ((zz & ~0x7FL) != 0) {
                    s.writeByte((int) ((zz & 0x7F) | 0x80));
                    zz >>>= 7;
                }
                s.writeByte((int) zz);
                s.writeBits(vs[0], 64);
            } else {
                long delta = ts[i] - t;
                if (i == 1) {
                    long d = delta;
                    while ((d & ~0x7FL) != 0) {
                        s.writeByte((int) ((d & 0x7F) | 0x80));
                        d >>>= 7;
                    }
                    s.writeByte((int) d);
                } else {
                    long dod = delta - tDelta;
                    if (dod == 0) {
                        s.writeBit(false);
                    } else if (fits(dod, 14)) {
                        s.writeBits(0b10, 2);
                        s.writeBits(dod, 14);
                    } else if (fits(dod, 17)) {
                        s.writeBits(0b110, 3);
                        s.writeBits(dod, 17);
                    } else if (fits(dod, 20)) {
                        s.writeBits(0b1110, 4);
                        s.writeBits(dod, 20);
                    } else {
                        s.writeBits(0b1111, 4);
                        s.writeBits(dod, 64);
                    }
                }
                long x = vs[i] ^ v;
                if (x == 0) {
                    s.writeBit(false);
                } else {
                    s.writeBit(true);
                    int lz = Math.min(31, Long.numberOfLeadingZeros(x));
                    int tz = Long.numberOfTrailingZeros(x);
                    if (leading != 0xFF && lz >= leading && tz >= trailing) {
                        s.writeBit(false);
                        s.writeBits(x >>> trailing, 64 - leading - trailing);
                    } else {
                        leading = lz;
                        trailing = tz;
                        int sig = 64 - lz - tz;
                        s.writeBit(true);
                        s.writeBits(lz, 5);
                        s.writeBits(sig, 6);
                        s.writeBits(x >>> tz, sig);
                    }
                }
                tDelta = delta;
            }
            t = ts[i];
            v = vs[i];
        }
        byte[] out = Arrays.copyOf(s.b, s.len);
        out[0] = (byte) (ts.length >>> 8);
        out[1] = (byte) ts.length;
        return out;
    }

    @Test
    void appender_everyTimeAndValueShape_bytesAndLengthAsPrometheusBstream() {
        Random r = new Random(20261125);
        int checked = 0;
        for (SampleGen.Times times : SampleGen.Times.values()) {
            for (SampleGen.Values values : SampleGen.Values.values()) {
                for (int rep = 0; rep < 20; rep++) {
                    int n = 1 + r.nextInt(rep < 10 ? 12 : 300);
                    SampleGen.Samples s = SampleGen.generate(r, n, times, values);
                    // every prefix: the length quirk depends on the last sample written
                    XorChunk c = new XorChunk();
                    XorAppender app = c.appender();
                    // the head's encoder, its buffer reused from a previous chunk (stale bytes in it)
                    XorEncoder enc = new XorEncoder(8);
                    for (int i = 0; i < 40; i++) {
                        enc.appendBits(i * 7L, r.nextLong());
                    }
                    enc.reset();
                    for (int i = 0; i < n; i++) {
                        app.appendBits(s.t()[i], s.v()[i]);
                        enc.appendBits(s.t()[i], s.v()[i]);
                        byte[] want = reference(Arrays.copyOf(s.t(), i + 1), Arrays.copyOf(s.v(), i + 1));
                        assertArrayEquals(want, c.toByteArray(), times + "/" + values + " after " + (i + 1) + " samples");
                        assertArrayEquals(want, enc.toByteArray(), "XorEncoder " + times + "/" + values + " after "
                                + (i + 1) + " samples");
                        checked++;
                    }
                    // and resumed from its bytes, it goes on as if it had never stopped
                    if (n > 2) {
                        XorEncoder res = XorEncoder.resume(enc.toByteArray(), "test");
                        XorEncoder cont = XorEncoder.resume(enc.toByteArray(), "test");
                        long t1 = s.t()[n - 1] + 15_000;
                        res.appendBits(t1, 42);
                        long[] ts = Arrays.copyOf(s.t(), n + 1);
                        long[] vs = Arrays.copyOf(s.v(), n + 1);
                        ts[n] = t1;
                        vs[n] = 42;
                        XorIterator it = new XorIterator();
                        byte[] got = res.toByteArray();
                        it.reset(got, 0, got.length);
                        for (int i = 0; i <= n; i++) {
                            org.junit.jupiter.api.Assertions.assertTrue(it.next());
                            org.junit.jupiter.api.Assertions.assertEquals(ts[i], it.atT());
                            org.junit.jupiter.api.Assertions.assertEquals(vs[i], it.atVBits());
                        }
                        org.junit.jupiter.api.Assertions.assertEquals(n, cont.numSamples());
                    }
                }
            }
        }
        System.out.println("XorReferenceEncoderTest: " + checked + " chunk states compared");
    }
}
