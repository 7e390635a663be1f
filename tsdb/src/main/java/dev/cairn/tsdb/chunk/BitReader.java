package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.CorruptionException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads a bit stream written by {@link BitWriter} (most significant bit of each byte first) from a
 * byte-array window. Keeps up to 64 bits in a register so that most reads are a shift and a mask.
 *
 * <p>Reading past the window throws {@link CorruptionException} naming the origin given to
 * {@link #reset}, so a chunk whose sample count promises more than its bytes hold is reported, never
 * decoded into made-up samples. Resettable and allocation-free; not thread-safe.
 */
public final class BitReader {
    private static final VarHandle BE_LONG =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] b;
    private int start;
    private int pos;
    private int end;
    /** Bits not yet consumed, right-aligned; only the low {@link #valid} bits matter. */
    private long buffer;
    private int valid;
    private String origin;
    private long originOffset;

    /** Reads {@code b[off, off+len)}; {@code origin} and {@code originOffset} (of {@code b[off]}) name it in errors. */
    public void reset(byte[] b, int off, int len, String origin, long originOffset) {
        this.b = b;
        this.start = off;
        this.pos = off;
        this.end = off + len;
        this.buffer = 0;
        this.valid = 0;
        this.origin = origin;
        this.originOffset = originOffset;
    }

    /** Bits consumed since {@link #reset}. */
    public long bitPosition() {
        return (long) (pos - start) * 8 - valid;
    }

    private void load() {
        int left = end - pos;
        if (left >= 8) {
            buffer = (long) BE_LONG.get(b, pos);
            pos += 8;
            valid = 64;
        } else if (left > 0) {
            long v = 0;
            for (int i = 0; i < left; i++) {
                v = (v << 8) | (b[pos + i] & 0xFF);
            }
            buffer = v;
            pos = end;
            valid = left * 8;
        } else {
            throw new CorruptionException(origin, originOffset + (end - start),
                "bit stream ends early: " + (end - start) + " bytes hold fewer bits than the sample count needs");
        }
    }

    public boolean readBit() {
        if (valid == 0) {
            load();
        }
        valid--;
        return ((buffer >>> valid) & 1) != 0;
    }

    /** Returns the next bit without consuming it. */
    public boolean peekBit() {
        if (valid == 0) {
            load();
        }
        return ((buffer >>> (valid - 1)) & 1) != 0;
    }

    /** Reads {@code nbits} (1..64) bits as the low bits of the result. */
    public long readBits(int nbits) {
        if (nbits <= valid) {
            valid -= nbits;
            return (buffer >>> valid) & (-1L >>> (64 - nbits));
        }
        // the rest of this register, then the head of the next one
        long hi = valid == 0 ? 0 : buffer & (-1L >>> (64 - valid));
        int rest = nbits - valid;
        valid = 0;
        load();
        if (rest > valid) {
            throw new CorruptionException(origin, originOffset + (end - start),
                "bit stream ends early: " + rest + " more bits needed, " + valid + " left");
        }
        valid -= rest;
        long lo = (buffer >>> valid) & (-1L >>> (64 - rest));
        return rest == 64 ? lo : (hi << rest) | lo;
    }

    /** An exception naming the origin and the byte being read, for decoders that find impossible values. */
    public CorruptionException corrupt(String what) {
        return new CorruptionException(origin, originOffset + bitPosition() / 8, what);
    }

    /** Go's binary.ReadUvarint over the bit stream (bytes need not be aligned). */
    public long readUvarint() {
        long x = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            int by = (int) readBits(8);
            if (by < 0x80) {
                if (i == 9 && by > 1) {
                    break;
                }
                return x | ((long) by << shift);
            }
            x |= (long) (by & 0x7F) << shift;
            shift += 7;
        }
        throw corrupt("uvarint overflows 64 bits");
    }

    /** Go's binary.ReadVarint (zig-zag) over the bit stream. */
    public long readVarint() {
        long ux = readUvarint();
        return (ux >>> 1) ^ -(ux & 1);
    }
}
