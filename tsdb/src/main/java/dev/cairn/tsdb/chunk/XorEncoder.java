package dev.cairn.tsdb.chunk;

import java.util.Arrays;

/**
 * The head's XOR chunk writer: {@link XorAppender}'s encoding with its {@link BitWriter} and
 * {@link XorChunk} folded into one object, for the hot path of ingestion. A head series appends
 * one sample per scrape to a chunk no other series touches, so each sample pays a cache miss per
 * object on its way to the bytes; one object instead of three saves two of them and ~50 bytes per
 * series. The buffer is reused for the next chunk ({@link #reset}) once the full one was copied out.
 *
 * <p>Produces byte for byte, length included, what {@link XorAppender} and Prometheus's
 * xorAppender produce ({@code XorReferenceEncoderTest} checks both). Not thread-safe.
 */
public final class XorEncoder {
    private static final int NO_WINDOW = 0xFF;

    private byte[] buf;
    private int len;
    /** Free bits at the right of the last byte, 0..8 (8: bstream's empty trailing byte). */
    private int free;
    private int num;
    private long t;
    private long vBits;
    private long tDelta;
    private int leading = NO_WINDOW;
    private int trailing;

    /** An empty chunk with room for {@code capacity} bytes before the buffer grows. */
    public XorEncoder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
        len = XorChunk.HEADER_SIZE;
    }

    /**
     * Continues the chunk in {@code data} (decoded to recover the encoder state, as
     * {@link XorChunk#appender()} does); the bytes are copied.
     *
     * @throws dev.cairn.tsdb.encoding.CorruptionException if the bytes do not decode
     */
    public static XorEncoder resume(byte[] data, String origin) {
        XorChunk c = XorChunk.wrap(data, 0, data.length, origin, 0);
        XorAppender a = c.appender();
        BitWriter w = c.stream();
        XorEncoder e = new XorEncoder(0);
        e.buf = w.array();
        e.len = w.length();
        e.free = w.freeBits();
        e.num = a.numSamples();
        e.t = a.t;
        e.vBits = a.vBits;
        e.tDelta = a.tDelta;
        e.leading = a.leading;
        e.trailing = a.trailing;
        return e;
    }

    /** Starts a new empty chunk in the same buffer; the old bytes must have been copied out. */
    public void reset() {
        buf[0] = 0;
        buf[1] = 0;
        len = XorChunk.HEADER_SIZE;
        free = 0;
        num = 0;
        t = 0;
        vBits = 0;
        tDelta = 0;
        leading = NO_WINDOW;
        trailing = 0;
    }

    public int numSamples() {
        return num;
    }

    /** The buffer; the chunk is {@code [0, length())}. Replaced when it grows. */
    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    /** A copy of exactly the chunk's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** As {@link XorAppender#appendBits}. */
    public void appendBits(long ts, long v) {
        if (buf.length - len < 28) {
            // the most one sample takes: 4 + 64 dod bits, 2 + 11 + 64 value bits, and the trailing byte
            buf = Arrays.copyOf(buf, buf.length * 2 + 28);
        }
        long newDelta = 0;
        if (num == 0) {
            writeUvarint((ts << 1) ^ (ts >> 63));
            writeBits(v, 64);
        } else if (num == 1) {
            newDelta = ts - t;
            writeUvarint(newDelta);
            writeFirstValue(v);
        } else if (num == XorChunk.MAX_SAMPLES) {
            throw new IllegalStateException("XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples); cut a new chunk");
        } else {
            newDelta = ts - t;
            writeSample(newDelta - tDelta, v);
        }
        t = ts;
        vBits = v;
        tDelta = newDelta;
        num++;
        buf[0] = (byte) (num >>> 8);
        buf[1] = (byte) num;
    }

    private void writeUvarint(long v) {
        while ((v & ~0x7FL) != 0) {
            writeBits((v & 0x7F) | 0x80, 8);
            v >>>= 7;
        }
        writeBits(v, 8);
    }

    /** The second sample's value: a window is always set (there is none yet). */
    private void writeFirstValue(long v) {
        long x = v ^ vBits;
        if (x == 0) {
            writeBits(0, 1);
            return;
        }
        int lz = Math.min(31, Long.numberOfLeadingZeros(x));
        int tz = Long.numberOfTrailingZeros(x);
        leading = lz;
        trailing = tz;
        int sig = 64 - lz - tz;
        writeBits((0b11L << 11) | ((long) lz << 6) | (sig & 0x3F), 13);
        writeBits(x >>> tz, sig);
    }

    /** As {@link XorAppender}'s writeSample: fields gathered, the last write kept as Prometheus's. */
    private void writeSample(long dod, long v) {
        long acc;
        int n;
        if (dod == 0) {
            acc = 0;
            n = 1;
        } else if (dod >= -8191 && dod <= 8192) {
            acc = (0b10L << 14) | (dod & 0x3FFF);
            n = 16;
        } else if (dod >= -65535 && dod <= 65536) {
            acc = (0b110L << 17) | (dod & 0x1FFFF);
            n = 20;
        } else if (dod >= -524287 && dod <= 524288) {
            acc = (0b1110L << 20) | (dod & 0xFFFFF);
            n = 24;
        } else {
            writeBits(0b1111, 4);
            writeBits(dod, 64);
            acc = 0;
            n = 0;
        }
        long x = v ^ vBits;
        long last;
        int lastN;
        if (x == 0) {
            last = 0;
            lastN = 1;
        } else {
            int lz = Math.min(31, Long.numberOfLeadingZeros(x));
            int tz = Long.numberOfTrailingZeros(x);
            long head;
            int k;
            if (leading != NO_WINDOW && lz >= leading && tz >= trailing) {
                head = 0b10;
                k = 2;
                lastN = 64 - leading - trailing;
                last = x >>> trailing;
            } else {
                leading = lz;
                trailing = tz;
                int sig = 64 - lz - tz;
                head = (0b11L << 11) | ((long) lz << 6) | (sig & 0x3F);
                k = 13;
                lastN = sig;
                last = x >>> tz;
            }
            if (n + k > 64) {
                writeBits(acc, n);
                acc = head;
                n = k;
            } else {
                acc = (acc << k) | head;
                n += k;
            }
        }
        int total = n + lastN;
        boolean lastWhole = lastN >= 8 && (lastN & 7) == 0;
        boolean mergedWhole = total >= 8 && (total & 7) == 0;
        if (total <= 64 && lastWhole == mergedWhole) {
            long mask = lastN == 64 ? -1L : (1L << lastN) - 1;
            writeBits((acc << lastN) | (last & mask), total);
        } else {
            if (n > 0) {
                writeBits(acc, n);
            }
            writeBits(last, lastN);
        }
    }

    /** {@link BitWriter#writeBits}, on this object's buffer (room is made per sample in {@link #appendBits}). */
    private void writeBits(long u, int nbits) {
        byte[] b = buf;
        int n = nbits;
        int l = len;
        int f = free;
        if (f > 0) {
            int take = Math.min(f, n);
            f -= take;
            n -= take;
            b[l - 1] |= (byte) (((int) (u >>> n) & ((1 << take) - 1)) << f);
        }
        while (n >= 8) {
            n -= 8;
            b[l++] = (byte) (u >>> n);
        }
        if (n > 0) {
            b[l++] = (byte) (u << (8 - n));
            f = 8 - n;
        } else if (f == 0 && nbits >= 8 && (nbits & 7) == 0) {
            b[l++] = 0;
            f = 8;
        }
        len = l;
        free = f;
    }
}
