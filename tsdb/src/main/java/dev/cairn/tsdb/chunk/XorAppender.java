package dev.cairn.tsdb.chunk;

/**
 * Appends float samples to an {@link XorChunk}, producing the bits Prometheus's xorAppender produces.
 *
 * <p>The encoding, sample by sample:
 * <ul>
 *   <li>sample 0: timestamp as a zig-zag varint, value as its raw 64 bits;</li>
 *   <li>sample 1: timestamp delta as a uvarint (two's complement if negative), value XOR-encoded;</li>
 *   <li>sample n ≥ 2: the delta of deltas {@code dod = (t_n - t_n-1) - (t_n-1 - t_n-2)} as
 *       {@code 0} when zero, else {@code 10} + 14 bits, {@code 110} + 17 bits, {@code 1110} + 20 bits
 *       (each when dod lies in {@code [-(2^(n-1)-1), 2^(n-1)]}), or {@code 1111} + 64 bits; then the
 *       value XOR-encoded.</li>
 * </ul>
 * XOR encoding of value {@code v} after {@code prev}, with {@code x = bits(v) ^ bits(prev)}:
 * {@code 0} when x is 0; else {@code 10} + the significant bits of x when x's leading and trailing
 * zero counts are both at least those of the current window (the window is kept); else {@code 11},
 * leading zeros in 5 bits (capped at 31), significant-bit count in 6 bits (64 written as 0), and the
 * significant bits — this sets a new window. A fresh chunk has no window, so sample 1 always sets one.
 *
 * <p>The appender does not check timestamp order (the head does); out-of-order samples encode as
 * negative deltas, as they do in Prometheus. No allocation per sample once the chunk's array is large
 * enough. Not thread-safe; one appender per chunk.
 */
public final class XorAppender {
    /** "No window yet": Prometheus's leading == 0xff. */
    private static final int NO_WINDOW = 0xFF;

    private final XorChunk chunk;
    private final BitWriter out;
    int num;
    long t;
    long vBits;
    long tDelta;
    int leading;
    int trailing;

    private XorAppender(XorChunk chunk, int num, long t, long vBits, long tDelta, int leading, int trailing) {
        this.chunk = chunk;
        this.out = chunk.stream();
        this.num = num;
        this.t = t;
        this.vBits = vBits;
        this.tDelta = tDelta;
        this.leading = leading;
        this.trailing = trailing;
    }

    static XorAppender fresh(XorChunk chunk) {
        return new XorAppender(chunk, 0, Long.MIN_VALUE, 0, 0, NO_WINDOW, 0);
    }

    /**
     * Continues from an iterator that has read the whole chunk. Like Prometheus, the window comes from
     * the iterator, which starts at 0/0 rather than "no window": a reopened chunk may thus encode the
     * next value differently from a chunk that never closed — both decode the same.
     */
    static XorAppender resumed(XorChunk chunk, XorIterator it) {
        return new XorAppender(chunk, it.numRead(), it.atT(), it.atVBits(), it.tDelta(), it.leading(), it.trailing());
    }

    /** The chunk this appender writes. */
    public XorChunk chunk() {
        return chunk;
    }

    /** Samples in the chunk. */
    public int numSamples() {
        return num;
    }

    /** Timestamp of the last sample appended (undefined while the chunk is empty). */
    public long lastT() {
        return t;
    }

    /**
     * Appends one sample; the value's bits are kept exactly ({@link Double#doubleToRawLongBits}).
     *
     * @throws IllegalStateException when the chunk already holds {@link XorChunk#MAX_SAMPLES} samples
     */
    public void append(long t, double v) {
        appendBits(t, Double.doubleToRawLongBits(v));
    }

    /** As {@link #append(long, double)}, with the value given as IEEE-754 bits. */
    public void appendBits(long t, long v) {
        long newDelta = 0;
        switch (num) {
            case 0 -> {
                writeUvarintBytes((t << 1) ^ (t >> 63));
                out.writeBits(v, 64);
            }
            case 1 -> {
                newDelta = t - this.t;
                writeUvarintBytes(newDelta);
                writeValue(v);
            }
            case XorChunk.MAX_SAMPLES -> throw new IllegalStateException(
                "XOR chunk is full (" + XorChunk.MAX_SAMPLES + " samples); cut a new chunk");
            default -> {
                newDelta = t - this.t;
                writeSample(newDelta - tDelta, v);
            }
        }
        this.t = t;
        this.vBits = v;
        this.tDelta = newDelta;
        num++;
        out.putHeaderUint16(num);
    }

    private void writeUvarintBytes(long v) {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /**
     * Sample n ≥ 2 with as few {@link BitWriter#writeBits} calls as possible (the dod, the control
     * bits and the window header gathered in one long), producing Prometheus's bytes exactly: its
     * bstream leaves an extra empty byte only after a write of whole bytes that ends on a byte
     * boundary, and only the stream's last write decides whether one is left. So the value bits,
     * the last write, are merged with what comes before only when that keeps the last write's size
     * "whole bytes" exactly when Prometheus's is.
     */
    private void writeSample(long dod, long v) {
        long acc;
        int n;
        if (dod == 0) {
            acc = 0;
            n = 1;
        } else if (fits(dod, 14)) {
            acc = (0b10L << 14) | (dod & 0x3FFF);
            n = 16;
        } else if (fits(dod, 17)) {
            acc = (0b110L << 17) | (dod & 0x1FFFF);
            n = 20;
        } else if (fits(dod, 20)) {
            acc = (0b1110L << 20) | (dod & 0xFFFFF);
            n = 24;
        } else {
            out.writeBits(0b1111, 4);
            out.writeBits(dod, 64);
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
            int lz = Long.numberOfLeadingZeros(x);
            int tz = Long.numberOfTrailingZeros(x);
            if (lz >= 32) {
                lz = 31; // 5 bits hold at most 31
            }
            if (leading != NO_WINDOW && lz >= leading && tz >= trailing) {
                // control bits 10, then the bits inside the window
                n = push(acc, n, 0b10, 2);
                acc = pending;
                lastN = 64 - leading - trailing;
                last = x >>> trailing;
            } else {
                leading = lz;
                trailing = tz;
                int sig = 64 - lz - tz;
                // control bits 11, 5 bits of leading zeros, 6 of significant bits (64 as 0)
                n = push(acc, n, (0b11L << 11) | ((long) lz << 6) | (sig & 0x3F), 13);
                acc = pending;
                lastN = sig;
                last = x >>> tz;
            }
        }
        int total = n + lastN;
        boolean lastWhole = lastN >= 8 && (lastN & 7) == 0;
        boolean mergedWhole = total >= 8 && (total & 7) == 0;
        if (total <= 64 && lastWhole == mergedWhole) {
            long mask = lastN == 64 ? -1L : (1L << lastN) - 1;
            out.writeBits((acc << lastN) | (last & mask), total);
        } else {
            if (n > 0) {
                out.writeBits(acc, n);
            }
            out.writeBits(last, lastN);
        }
    }

    /** Bits gathered by {@link #push}, returned through this field to spare an allocation. */
    private long pending;

    /** Appends {@code k} bits to the {@code n} gathered in {@code acc} (writing them out if they would not fit); returns the new count. */
    private int push(long acc, int n, long bits, int k) {
        if (n + k > 64) {
            out.writeBits(acc, n);
            pending = bits;
            return k;
        }
        pending = (acc << k) | bits;
        return n + k;
    }

    private void writeDod(long dod) {
        if (dod == 0) {
            out.writeBit(false);
        } else if (fits(dod, 14)) {
            out.writeBits(0b10, 2);
            out.writeBits(dod, 14);
        } else if (fits(dod, 17)) {
            out.writeBits(0b110, 3);
            out.writeBits(dod, 17);
        } else if (fits(dod, 20)) {
            out.writeBits(0b1110, 4);
            out.writeBits(dod, 20);
        } else {
            out.writeBits(0b1111, 4);
            out.writeBits(dod, 64);
        }
    }

    /** Prometheus's bitRange: the range is shifted by one against two's complement ([-(2^(n-1)-1), 2^(n-1)]). */
    private static boolean fits(long x, int nbits) {
        long half = 1L << (nbits - 1);
        return -(half - 1) <= x && x <= half;
    }

    private void writeValue(long v) {
        long x = v ^ vBits;
        if (x == 0) {
            out.writeBit(false);
            return;
        }
        out.writeBit(true);
        int lz = Long.numberOfLeadingZeros(x);
        int tz = Long.numberOfTrailingZeros(x);
        if (lz >= 32) {
            lz = 31; // 5 bits hold at most 31
        }
        if (leading != NO_WINDOW && lz >= leading && tz >= trailing) {
            out.writeBit(false);
            out.writeBits(x >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = lz;
        trailing = tz;
        int sig = 64 - lz - tz;
        out.writeBit(true);
        out.writeBits(lz, 5);
        out.writeBits(sig, 6); // 64 comes out as 0
        out.writeBits(x >>> tz, sig);
    }
}
