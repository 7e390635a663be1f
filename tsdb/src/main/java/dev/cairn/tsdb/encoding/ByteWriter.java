package dev.cairn.tsdb.encoding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A growable big-endian byte buffer with the varint encodings of Go's encoding/binary, which the
 * Prometheus formats use throughout. Not thread-safe; reuse it with {@link #reset()}.
 */
public final class ByteWriter {
    private byte[] buf;
    private int len;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public void reset() {
        len = 0;
    }

    public int length() {
        return len;
    }

    /** The backing array; valid bytes are {@code [0, length())}. Changes on the next write. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** One big-endian 8-byte store instead of eight byte stores (a value per WAL sample). */
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Makes room for {@code extra} more bytes at once, so a writer of many small fields grows the array once. */
    public void reserve(int extra) {
        ensure(extra);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    /**
     * For a writer of many small fields in a loop (a WAL samples record): makes room for
     * {@code extra} bytes and returns the position to write at in {@link #array()}; the caller
     * writes there with a local index and then calls {@link #advanceTo}, so the loop pays no
     * capacity check and no field update per byte.
     */
    public int claim(int extra) {
        ensure(extra);
        return len;
    }

    /** Ends a {@link #claim}: the bytes up to {@code end} are written. */
    public void advanceTo(int end) {
        if (end < len || end > buf.length) {
            throw new IllegalArgumentException("advance to " + end + " with " + len + " written and room for " + buf.length);
        }
        len = end;
    }

    public ByteWriter putByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    public ByteWriter putBytes(byte[] b) {
        return putBytes(b, 0, b.length);
    }

    public ByteWriter putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public ByteWriter putBE16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public ByteWriter putBE32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public ByteWriter putBE64(long v) {
        ensure(8);
        BE64.set(buf, len, v);
        len += 8;
        return this;
    }

    /** Overwrites 4 bytes at {@code pos}, for lengths known only after the payload is written. */
    public void setBE32(int pos, int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    /** Unsigned LEB128, as Go's binary.PutUvarint. */
    public ByteWriter putUvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    /** Zig-zag signed varint, as Go's binary.PutVarint. */
    public ByteWriter putVarint(long v) {
        return putUvarint((v << 1) ^ (v >> 63));
    }

    /** A uvarint length followed by the UTF-8 bytes. */
    public ByteWriter putUvarintString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        return putBytes(b);
    }

    /** CRC32C (Castagnoli) of {@code [from, length())}. */
    public int crc32c(int from) {
        CRC32C c = new CRC32C();
        c.update(buf, from, len - from);
        return (int) c.getValue();
    }

    public static int uvarintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
