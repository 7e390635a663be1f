package dev.cairn.tsdb.wal;

import java.util.Arrays;

/**
 * Decoder for the Snappy block format (not the framed stream format), which Prometheus 2.x uses to
 * compress WAL records when {@code --storage.tsdb.wal-compression} is on (the default since 2.20).
 *
 * <p>A block is the uncompressed length as a uvarint, then elements. The low two bits of an
 * element's tag byte say what it is: 0 a literal, 1 a copy with an 11-bit offset and a length of 4
 * to 11, 2 a copy with a 16-bit offset, 3 a copy with a 32-bit offset (offsets little-endian).
 * Reuses its output buffer; not thread-safe.
 */
final class Snappy {
    private byte[] out = new byte[Frame.PAGE_SIZE];

    /** The buffer holding the last decoded block in {@code [0, decode(...))}. */
    byte[] buffer() {
        return out;
    }

    /**
     * Decodes {@code src[off, off+len)}.
     *
     * @return the decoded length
     * @throws IllegalArgumentException naming the problem when the block is malformed
     */
    int decode(byte[] src, int off, int len) {
        int end = off + len;
        int p = off;
        long n = 0;
        int shift = 0;
        while (true) {
            if (p >= end) {
                throw new IllegalArgumentException("snappy block ends inside its length");
            }
            int b = src[p++] & 0xFF;
            n |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                break;
            }
            shift += 7;
            if (shift > 28) {
                throw new IllegalArgumentException("snappy length does not fit 32 bits");
            }
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("snappy length " + n + " too large");
        }
        int size = (int) n;
        if (out.length < size) {
            out = Arrays.copyOf(out, Math.max(size, out.length * 2));
        }
        int d = 0;
        while (p < end) {
            int tag = src[p++] & 0xFF;
            int length;
            int offset;
            switch (tag & 3) {
                case 0 -> {
                    int l = tag >>> 2;
                    if (l >= 60) {
                        int bytes = l - 59;
                        if (p + bytes > end) {
                            throw new IllegalArgumentException("snappy literal length truncated");
                        }
                        l = 0;
                        for (int i = 0; i < bytes; i++) {
                            l |= (src[p++] & 0xFF) << (8 * i);
                        }
                        if (l < 0 || l == Integer.MAX_VALUE) {
                            throw new IllegalArgumentException("snappy literal length out of range");
                        }
                    }
                    int lit = l + 1;
                    if (lit > end - p || lit > size - d) {
                        throw new IllegalArgumentException("snappy literal of " + lit + " bytes overruns the block");
                    }
                    System.arraycopy(src, p, out, d, lit);
                    p += lit;
                    d += lit;
                    continue;
                }
                case 1 -> {
                    if (p >= end) {
                        throw new IllegalArgumentException("snappy copy truncated");
                    }
                    length = 4 + ((tag >>> 2) & 7);
                    offset = ((tag >>> 5) << 8) | (src[p++] & 0xFF);
                }
                case 2 -> {
                    if (p + 2 > end) {
                        throw new IllegalArgumentException("snappy copy truncated");
                    }
                    length = 1 + (tag >>> 2);
                    offset = (src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8;
                    p += 2;
                }
                default -> {
                    if (p + 4 > end) {
                        throw new IllegalArgumentException("snappy copy truncated");
                    }
                    length = 1 + (tag >>> 2);
                    offset = (src[p] & 0xFF) | (src[p + 1] & 0xFF) << 8 | (src[p + 2] & 0xFF) << 16
                            | (src[p + 3] & 0xFF) << 24;
                    p += 4;
                }
            }
            if (offset <= 0 || offset > d) {
                throw new IllegalArgumentException("snappy copy offset " + offset + " outside the " + d + " bytes decoded");
            }
            if (length > size - d) {
                throw new IllegalArgumentException("snappy copy of " + length + " bytes overruns the block");
            }
            // Byte by byte: a copy may overlap its own output (offset < length repeats a pattern).
            int from = d - offset;
            for (int i = 0; i < length; i++) {
                out[d++] = out[from + i];
            }
        }
        if (d != size) {
            throw new IllegalArgumentException("snappy block decoded to " + d + " bytes, header said " + size);
        }
        return size;
    }
}
