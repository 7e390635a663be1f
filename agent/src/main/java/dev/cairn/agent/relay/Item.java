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

    /** A hash of the labels block; the same series always maps to the same shard. */
    int seriesHash() {
        int h = 0x811C9DC5;
        for (int i = labelsOff; i < labelsOff + labelsLen; i++) {
            h = (h ^ (rec[i] & 0xFF)) * 0x01000193;
        }
        return h;
    }
}
