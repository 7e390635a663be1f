package dev.cairn.tsdb.encoding;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Sequential big-endian reader over a {@link ByteBuffer} window, with Go's varint encodings.
 * Every read past the end or malformed varint throws {@link CorruptionException} naming the file
 * and absolute offset, so a truncated file never yields a silent wrong answer.
 *
 * <p>Positions are relative to the window start; {@link #base()} is the window's offset in the file.
 */
public final class ByteReader {
    private final ByteBuffer buf;
    private final String file;
    private final long base;
    private int pos;

    /** @param buf read from index 0 to limit; its own position is ignored and never changed */
    public ByteReader(ByteBuffer buf, String file, long base) {
        this.buf = buf;
        this.file = file;
        this.base = base;
    }

    public static ByteReader of(byte[] bytes, String file) {
        return new ByteReader(ByteBuffer.wrap(bytes), file, 0);
    }

    public String file() {
        return file;
    }

    public long base() {
        return base;
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        if (p < 0 || p > buf.limit()) {
            throw corrupt("seek to " + p + " outside of " + buf.limit() + " bytes");
        }
        pos = p;
    }

    public int limit() {
        return buf.limit();
    }

    public int remaining() {
        return buf.limit() - pos;
    }

    public CorruptionException corrupt(String what) {
        return new CorruptionException(file, base + pos, what);
    }

    private void need(int n) {
        if (n < 0 || pos + n > buf.limit()) {
            throw corrupt("unexpected end of data: need " + n + " bytes, " + remaining() + " left");
        }
    }

    public int getByte() {
        need(1);
        return buf.get(pos++) & 0xFF;
    }

    public int getBE16() {
        need(2);
        int v = ((buf.get(pos) & 0xFF) << 8) | (buf.get(pos + 1) & 0xFF);
        pos += 2;
        return v;
    }

    public int getBE32() {
        need(4);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    public long getBE64() {
        need(8);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    public long getUvarint() {
        long x = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            need(1);
            int b = buf.get(pos++) & 0xFF;
            if (b < 0x80) {
                if (i == 9 && b > 1) {
                    throw corrupt("uvarint overflows 64 bits");
                }
                return x | ((long) b << shift);
            }
            x |= (long) (b & 0x7F) << shift;
            shift += 7;
        }
        throw corrupt("uvarint overflows 64 bits");
    }

    public long getVarint() {
        long ux = getUvarint();
        return (ux >>> 1) ^ -(ux & 1);
    }

    /** A uvarint that must fit a non-negative int (a length or a count). */
    public int getUvarintInt() {
        long v = getUvarint();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw corrupt("length " + Long.toUnsignedString(v) + " out of range");
        }
        return (int) v;
    }

    public byte[] getBytes(int n) {
        need(n);
        byte[] out = new byte[n];
        buf.get(pos, out, 0, n);
        pos += n;
        return out;
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }

    public String getUvarintString() {
        int n = getUvarintInt();
        need(n);
        String s;
        if (buf.hasArray()) {
            s = new String(buf.array(), buf.arrayOffset() + pos, n, StandardCharsets.UTF_8);
        } else {
            byte[] b = new byte[n];
            buf.get(pos, b, 0, n);
            s = new String(b, StandardCharsets.UTF_8);
        }
        pos += n;
        return s;
    }

    /** CRC32C of {@code [from, from+n)} of the window, without moving the position. */
    public int crc32c(int from, int n) {
        if (from < 0 || n < 0 || from + n > buf.limit()) {
            throw new CorruptionException(file, base + from, "checksum range of " + n + " bytes past the end");
        }
        CRC32C c = new CRC32C();
        c.update(buf.duplicate().position(from).limit(from + n));
        return (int) c.getValue();
    }

    /** A view of {@code [from, from+n)} sharing the bytes; its position 0 is {@code from}. */
    public ByteReader slice(int from, int n) {
        if (from < 0 || n < 0 || from + n > buf.limit()) {
            throw new CorruptionException(file, base + from, "section of " + n + " bytes past the end of data");
        }
        return new ByteReader(buf.slice(from, n), file, base + from);
    }

    public ByteBuffer buffer() {
        return buf;
    }
}
