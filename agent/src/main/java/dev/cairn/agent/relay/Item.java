package dev.cairn.agent.relay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One series of one queue record, routed to a shard: a view into the record's bytes (labels block
 * and samples), the record's sequence number, and how far the shard has taken it. The record
 * array is shared by all items of the record and never written after decoding.
 */
final class Item {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final byte[] rec;
    final int labelsOff;
    final int labelsLen;
    final int samplesOff;
    final int count;
    final long seq;
    /** Samples before this index were put into a batch; only the owning shard touches it. */
    int from;

    Item(byte[] rec, int labelsOff, int labelsLen, int samplesOff, int count, long seq) {
        this.rec = rec;
        this.labelsOff = labelsOff;
        this.labelsLen = labelsLen;
        this.samplesOff = samplesOff;
        this.count = count;
        this.seq = seq;
    }

    long timestamp(int i) {
        return (long) LONG.get(rec, samplesOff + 16 * i);
    }

    long valueBits(int i) {
        return (long) LONG.get(rec, samplesOff + 16 * i + 8);
    }

    /**
     * A hash of the labels block; the same series always maps to the same shard. Eight bytes a
     * step (a byte-at-a-time hash of ~100-byte label blocks was a fifth of the dispatcher's time).
     */
    int seriesHash() {
        long h = 0x9E3779B97F4A7C15L ^ labelsLen;
        int i = labelsOff;
        int end = labelsOff + labelsLen;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft(h ^ (long) LONG.get(rec, i) * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
        }
        for (; i < end; i++) {
            h = (h ^ (rec[i] & 0xFF)) * 0x100000001B3L;
        }
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
