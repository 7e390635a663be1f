package dev.cairn.tsdb.chunk;

import java.util.Arrays;

/**
 * An append-only stream of bits, most significant bit of each byte first, over a growable byte array.
 *
 * <p>The byte length it produces matches Prometheus's {@code bstream} exactly, including one quirk
 * that shows up in chunk bytes: a write of a whole number of bytes (8, 16, … 64 bits) always leaves
 * room for at least one more bit, so when such a write ends on a byte boundary the stream grows by an
 * empty trailing byte ({@link #freeBits()} == 8). A one-sample XOR chunk therefore ends in a zero byte.
 * A later write fills that byte first, so the quirk only affects the length of the final stream.
 *
 * <p>Bytes past {@link #length()} are undefined; bytes before it only ever gain bits (an earlier
 * byte never changes), which is what lets an iterator read a prefix while an appender is writing.
 * Not thread-safe.
 */
public final class BitWriter {
    private byte[] buf;
    private int len;
    /** Free bits at the right of the last byte, 0..8. */
    private int free;

    /** An empty stream with room for {@code initialCapacity} bytes. */
    public BitWriter(int initialCapacity) {
        this.buf = new byte[Math.max(8, initialCapacity)];
    }

    /**
     * Continues a stream: {@code buf[0, len)} is kept, of which the last byte has {@code freeBits}
     * unused bits at its right. The array is used (and grown by copying) as is.
     */
    public BitWriter(byte[] buf, int len, int freeBits) {
        if (len < 0 || len > buf.length || freeBits < 0 || freeBits > 8 || (len == 0 && freeBits != 0)) {
            throw new IllegalArgumentException("bad bit stream state: len=" + len + " of " + buf.length
                + ", freeBits=" + freeBits);
        }
        this.buf = buf;
        this.len = len;
        this.free = freeBits;
    }

    /** The backing array; valid bytes are {@code [0, length())}. Replaced when the stream grows. */
    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    public int freeBits() {
        return free;
    }

    /** Total bits written, counting from the start of the array (whole bytes included). */
    public long bitLength() {
        return (long) len * 8 - free;
    }

    private void appendByte() {
        if (len == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[len++] = 0;
        free = 8;
    }

    public void writeBit(boolean bit) {
        if (free == 0) {
            appendByte();
        }
        free--;
        if (bit) {
            buf[len - 1] |= (byte) (1 << free);
        }
    }

    /** Writes the low 8 bits of {@code b}. */
    public void writeByte(int b) {
        writeBits(b, 8);
    }

    /** Writes the {@code nbits} (1..64) rightmost bits of {@code u}, most significant first. */
    public void writeBits(long u, int nbits) {
        if (buf.length - len < 10) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = nbits;
        if (free > 0) {
            // top up the last byte
            int take = Math.min(free, n);
            free -= take;
            n -= take;
            buf[len - 1] |= (byte) (((int) (u >>> n) & ((1 << take) - 1)) << free);
        }
        while (n >= 8) {
            n -= 8;
            buf[len++] = (byte) (u >>> n);
        }
        if (n > 0) {
            buf[len++] = (byte) (u << (8 - n));
            free = 8 - n;
        } else if (free == 0 && nbits >= 8 && (nbits & 7) == 0) {
            // bstream writes whole bytes with writeByte, which always appends the next byte eagerly
            buf[len++] = 0;
            free = 8;
        }
    }

    /** Overwrites the 2-byte big-endian value at the start of the stream (the XOR sample count). */
    void putHeaderUint16(int v) {
        buf[0] = (byte) (v >>> 8);
        buf[1] = (byte) v;
    }
}
