package dev.cairn.tsdb.chunk;

import dev.cairn.tsdb.encoding.CorruptionException;

/**
 * Decodes an XOR chunk sample by sample without allocating; reset it to reuse it for another chunk.
 *
 * <p>Values are kept as raw IEEE-754 bits so that NaN payloads (Prometheus's stale marker
 * {@code 0x7ff0000000000002} among them) come out exactly as they went in; {@link #atVBits()} gives
 * those bits, {@link #atV()} the double. Malformed bytes throw {@link CorruptionException} from
 * {@link #next()} or {@link #seek(long)}.
 */
public final class XorIterator implements ChunkIterator {
    private final BitReader in = new BitReader();
    private int numTotal;
    private int numRead;
    private boolean done;

    private long t;
    private long vBits;
    private long tDelta;
    /** Leading/trailing zero bits of the current XOR window; 0/0 until a sample sets them, as in Prometheus. */
    private int leading;
    private int trailing;

    public XorIterator() {
        done = true;
    }

    /** Iterates {@code chunk}, seeing the samples it holds now. */
    public void reset(XorChunk chunk) {
        reset(chunk.bytes(), 0, chunk.length(), chunk.origin(), chunk.originOffset());
    }

    /** Iterates XOR chunk data (count header included) in {@code data[off, off+len)}, without copying. */
    public void reset(byte[] data, int off, int len) {
        reset(data, off, len, "XOR chunk", 0);
    }

    void reset(byte[] data, int off, int len, String origin, long originOffset) {
        if (len < XorChunk.HEADER_SIZE) {
            throw new CorruptionException(origin, originOffset, "XOR chunk of " + len + " bytes has no sample count");
        }
        numTotal = ((data[off] & 0xFF) << 8) | (data[off + 1] & 0xFF);
        in.reset(data, off + XorChunk.HEADER_SIZE, len - XorChunk.HEADER_SIZE, origin,
            originOffset + XorChunk.HEADER_SIZE);
        numRead = 0;
        done = false;
        t = 0;
        vBits = 0;
        tDelta = 0;
        leading = 0;
        trailing = 0;
    }

    @Override
    public boolean next() {
        if (numRead >= numTotal) {
            done = true;
            return false;
        }
        if (numRead == 0) {
            t = in.readVarint();
            vBits = in.readBits(64);
        } else if (numRead == 1) {
            tDelta = in.readUvarint();
            t += tDelta;
            readValue();
        } else {
            readTimestamp();
            readValue();
        }
        numRead++;
        return true;
    }

    private void readTimestamp() {
        long dod;
        if (!in.readBit()) {
            dod = 0;
        } else if (!in.readBit()) {
            dod = signExtend(in.readBits(14), 14);
        } else if (!in.readBit()) {
            dod = signExtend(in.readBits(17), 17);
        } else if (!in.readBit()) {
            dod = signExtend(in.readBits(20), 20);
        } else {
            dod = in.readBits(64);
        }
        tDelta += dod;
        t += tDelta;
    }

    /**
     * The writer stores dod in [-(2^(n-1)-1), 2^(n-1)] as n low bits, so the pattern 2^(n-1) is the
     * positive bound, not the negative one two's complement would make it.
     */
    private static long signExtend(long bits, int n) {
        return bits > (1L << (n - 1)) ? bits - (1L << n) : bits;
    }

    private void readValue() {
        if (!in.readBit()) {
            return; // same value
        }
        int sig;
        if (!in.readBit()) {
            sig = 64 - leading - trailing;
        } else {
            int newLeading = (int) in.readBits(5);
            sig = (int) in.readBits(6);
            if (sig == 0) {
                sig = 64; // 64 does not fit 6 bits and 0 never needs encoding
            }
            if (newLeading + sig > 64) {
                throw in.corrupt("XOR value window of " + newLeading + " leading zeros and " + sig
                    + " significant bits exceeds 64 bits");
            }
            leading = newLeading;
            trailing = 64 - newLeading - sig;
        }
        vBits ^= in.readBits(sig) << trailing;
    }

    @Override
    public boolean seek(long target) {
        if (done) {
            return false;
        }
        while (numRead == 0 || target > t) {
            if (!next()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long atT() {
        return t;
    }

    @Override
    public double atV() {
        return Double.longBitsToDouble(vBits);
    }

    /** The current value's raw bits, NaN payload included. */
    public long atVBits() {
        return vBits;
    }

    /** Samples in the chunk (its count header). */
    public int numSamples() {
        return numTotal;
    }

    /** Bits of the stream after the count header consumed so far. */
    long bitsRead() {
        return in.bitPosition();
    }

    /** State an appender continues from (see {@link XorAppender}). */
    long tDelta() {
        return tDelta;
    }

    int leading() {
        return leading;
    }

    int trailing() {
        return trailing;
    }

    int numRead() {
        return numRead;
    }
}
