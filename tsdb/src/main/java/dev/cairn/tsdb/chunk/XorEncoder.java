package dev.cairn.tsdb.chunk;

import java.util.Arrays;

/**
 * The head's XOR chunk writer: {@link XorAppender}'s encoding with its {@link BitWriter} and
 * {@link XorChunk} folded into one object, for the hot path of ingestion. A head series appends
 * one sample per scrape to a chunk no other series touches, so each sample pays a cache miss per
 * object on its way to the bytes; one object instead of three saves two of them. The buffer is
 * reused for the next chunk ({@link #reset}) once the full one was copied out.
 *
 * <p>Not final on purpose: the head's series extends it, so a series and its open chunk's state
 * are one object (one header and one cache miss less per series and per sample, ~50 bytes a series
 * at a million series). For such a subclass the encoder may have no chunk at all ({@link #hasChunk}
 * false, no buffer), and {@link #lastT}/{@link #lastVBits} are the series' newest sample whether or
 * not a chunk is open: the encoder reads them only while its chunk holds a sample.
 *
 * <p>Produces byte for byte, length included, what {@link XorAppender} and Prometheus's
 * xorAppender produce ({@code XorReferenceEncoderTest} checks both). Not thread-safe.
 */
public class XorEncoder {
    private static final byte NO_WINDOW = (byte) 0xFF;
    /** The most one sample takes: 4 + 64 dod bits, 2 + 11 + 64 value bits, and the trailing byte. */
    private static final int MAX_SAMPLE_BYTES = 28;

    /** The chunk's bytes, {@code [0, len)}; null while there is no chunk. */
    private byte[] buf;
    private int len;
    private int num;
    /** Timestamp of the newest sample appended (see the class comment for subclasses). */
    protected long lastT;
    /** Value bits of the newest sample appended (see the class comment for subclasses). */
    protected long lastVBits;
    private long tDelta;
    /** Free bits at the right of the last byte, 0..8 (8: bstream's empty trailing byte). */
    private byte free;
    /** XOR window; {@link #NO_WINDOW} (Prometheus's 0xff) until the first value change. Unsigned. */
    private byte leading = NO_WINDOW;
    private byte trailing;

    /** An empty chunk with room for {@code capacity} bytes before the buffer grows. */
    public XorEncoder(int capacity) {
        startChunk(capacity);
    }

    /** No chunk until {@link #startChunk}: for a subclass that opens one on its first sample. */
    protected XorEncoder() {
    }

    /**
     * Continues the chunk in {@code data} (decoded to recover the encoder state, as
     * {@link XorChunk#appender()} does); the bytes are copied.
     *
     * @throws dev.cairn.tsdb.encoding.CorruptionException if the bytes do not decode
     */
    public static XorEncoder resume(byte[] data, String origin) {
        XorEncoder e = new XorEncoder();
        e.resumeChunk(data, origin);
        return e;
    }

    /** As {@link #resume}, into this encoder, replacing whatever chunk it had. */
    protected final void resumeChunk(byte[] data, String origin) {
        XorChunk c = XorChunk.wrap(data, 0, data.length, origin, 0);
        XorAppender a = c.appender();
        BitWriter w = c.stream();
        buf = w.array();
        len = w.length();
        free = (byte) w.freeBits();
        num = a.numSamples();
        lastT = a.t;
        lastVBits = a.vBits;
        tDelta = a.tDelta;
        leading = (byte) a.leading;
        trailing = (byte) a.trailing;
    }

    /** Whether a chunk is open (always, unless a subclass has not started one or dropped it). */
    protected final boolean hasChunk() {
        return buf != null;
    }

    /** Opens an empty chunk: in the buffer there is, else in a new one of {@code capacity} bytes. */
    protected final void startChunk(int capacity) {
        if (buf == null) {
            buf = new byte[Math.max(16, capacity)];
        }
        reset();
    }

    /** Drops the chunk and its buffer; {@link #lastT} and {@link #lastVBits} stay. */
    protected final void dropChunk() {
        buf = null;
        len = 0;
        num = 0;
    }

    /**
     * Starts a new empty chunk in the same buffer; the old bytes must have been copied out.
     * {@link #lastT} and {@link #lastVBits} are left alone (unread until the next sample sets them).
     */
    public final void reset() {
        buf[0] = 0;
        buf[1] = 0;
        len = XorChunk.HEADER_SIZE;
        free = 0;
        num = 0;
        tDelta = 0;
        leading = NO_WINDOW;
        trailing = 0;
    }

    public final int numSamples() {
        return num;
    }

    /** The buffer; the chunk is {@code [0, length())}. Replaced when it grows. */
    public final byte[] array() {
        return buf;
    }

    public final int length() {
        return len;
    }

    /** A copy of exactly the chunk's bytes. */
    public final byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** As {@link XorAppender#appendBits}. */
    public final void appendBits(long ts, long v) {
        if (buf.length - len < MAX_SAMPLE_BYTES) {
            // a quarter more, not double: at a million series the open chunks' unused tails are
            // memory, and a copy per few dozen samples costs next to nothing
            buf = Arrays.copyOf(buf, len + MAX_SAMPLE_BYTES + Math.max(32, len >> 2));
        }
        long newDelta = 0;
        if (num == 0) {
            writeUvarint((ts << 1) ^ (ts >> 63));
            writeBits(v, 64);
        } else if (num == 1) {
            newDelta = ts - lastT;
            writeUvarint(newDelta);
            writeFirstValue(v);
        } else if (num == XorChunk.MAX_SAMPLES) {
            throw new IllegalStateException("XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples); cut a new chunk");
        } else {
            newDelta = ts - lastT;
            writeSample(newDelta - tDelta, v);
        }
        lastT = ts;
        lastVBits = v;
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
        long x = v ^ lastVBits;
        if (x == 0) {
            writeBits(0, 1);
            return;
        }
        int lz = Math.min(31, Long.numberOfLeadingZeros(x));
        int tz = Long.numberOfTrailingZeros(x);
        leading = (byte) lz;
        trailing = (byte) tz;
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
        long x = v ^ lastVBits;
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
            int lead = leading & 0xFF;
            int trail = trailing;
            if (lead != (NO_WINDOW & 0xFF) && lz >= lead && tz >= trail) {
                head = 0b10;
                k = 2;
                lastN = 64 - lead - trail;
                last = x >>> trail;
            } else {
                leading = (byte) lz;
                trailing = (byte) tz;
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
        free = (byte) f;
    }
}
