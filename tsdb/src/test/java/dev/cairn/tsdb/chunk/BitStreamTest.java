package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BitStreamTest {

    /**
     * A literal model of Prometheus's bstream, operation by operation: writeBit appends a byte only
     * when none is free, writeByte always appends the next byte, writeBits is bytes then single bits.
     * The fast {@link BitWriter} must leave the same bytes and the same length.
     */
    private static final class ModelStream {
        final ByteArrayOutputStream done = new ByteArrayOutputStream();
        byte[] s = new byte[0];
        int count;

        void append() {
            s = Arrays.copyOf(s, s.length + 1);
            count = 8;
        }

        void writeBit(boolean bit) {
            if (count == 0) {
                append();
            }
            if (bit) {
                s[s.length - 1] |= (byte) (1 << (count - 1));
            }
            count--;
        }

        void writeByte(int byt) {
            if (count == 0) {
                append();
            }
            s[s.length - 1] |= (byte) ((byt & 0xFF) >>> (8 - count));
            int keep = count;
            s = Arrays.copyOf(s, s.length + 1);
            s[s.length - 1] = (byte) ((byt & 0xFF) << keep);
            count = keep;
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
    }

    @Test
    void writer_randomOperations_leavesBstreamBytesAndLength() {
        Random r = new Random(7);
        for (int round = 0; round < 2000; round++) {
            BitWriter w = new BitWriter(1);
            ModelStream m = new ModelStream();
            int ops = r.nextInt(40);
            for (int i = 0; i < ops; i++) {
                switch (r.nextInt(3)) {
                    case 0 -> {
                        boolean b = r.nextBoolean();
                        w.writeBit(b);
                        m.writeBit(b);
                    }
                    case 1 -> {
                        int b = r.nextInt(256);
                        w.writeByte(b);
                        m.writeByte(b);
                    }
                    default -> {
                        int n = 1 + r.nextInt(64);
                        long u = r.nextLong();
                        w.writeBits(u, n);
                        m.writeBits(u, n);
                    }
                }
                assertArrayEquals(m.s, Arrays.copyOf(w.array(), w.length()), "round " + round + " op " + i);
                assertEquals(m.count, w.freeBits(), "free bits, round " + round + " op " + i);
            }
        }
    }

    @Test
    void reader_readsBackWhatWriterWrote() {
        Random r = new Random(11);
        for (int round = 0; round < 500; round++) {
            int n = 1 + r.nextInt(200);
            long[] vals = new long[n];
            int[] widths = new int[n];
            BitWriter w = new BitWriter(4);
            for (int i = 0; i < n; i++) {
                widths[i] = 1 + r.nextInt(64);
                vals[i] = widths[i] == 64 ? r.nextLong() : r.nextLong() & ((1L << widths[i]) - 1);
                w.writeBits(vals[i], widths[i]);
            }
            BitReader in = new BitReader();
            in.reset(w.array(), 0, w.length(), "test", 0);
            long bits = 0;
            for (int i = 0; i < n; i++) {
                long got = widths[i] == 1 ? (in.readBit() ? 1 : 0) : in.readBits(widths[i]);
                bits += widths[i];
                assertEquals(vals[i], got, "value " + i + " of width " + widths[i]);
                assertEquals(bits, in.bitPosition());
            }
        }
    }

    @Test
    void reader_pastTheEnd_throwsCorruptionNamingOrigin() {
        BitWriter w = new BitWriter(4);
        w.writeBits(0xABC, 12);
        BitReader in = new BitReader();
        in.reset(w.array(), 0, w.length(), "chunks/000001", 100);
        in.readBits(12);
        in.readBits(4); // padding of the last byte is still readable
        CorruptionException e = assertThrows(CorruptionException.class, () -> in.readBits(1));
        assertEquals("chunks/000001", e.file());
        assertEquals(102, e.offset());
    }

    @Test
    void reader_uvarintAcrossByteBoundaries_decodesGoEncoding() {
        long[] values = {0, 1, 127, 128, 300, 1L << 35, -1L, Long.MIN_VALUE};
        for (int shift = 0; shift < 8; shift++) {
            BitWriter w = new BitWriter(4);
            if (shift > 0) {
                w.writeBits(0, shift);
            }
            for (long v : values) {
                long x = v;
                while ((x & ~0x7FL) != 0) {
                    w.writeByte((int) ((x & 0x7F) | 0x80));
                    x >>>= 7;
                }
                w.writeByte((int) x);
            }
            BitReader in = new BitReader();
            in.reset(w.array(), 0, w.length(), "test", 0);
            if (shift > 0) {
                in.readBits(shift);
            }
            for (long v : values) {
                assertEquals(v, in.readUvarint(), "shift " + shift);
            }
        }
    }
}
