package dev.cairn.tsdb.record;

import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.labels.Labels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes series, samples and tombstones records byte for byte as Prometheus's record.Encoder
 * (samples in the original type-2 layout). Each method appends one whole record to {@code out},
 * which the caller resets and reuses; nothing is allocated per sample. Stateless and thread-safe.
 *
 * <pre>
 * series:     1 | ( ref &lt;8b BE&gt; | n &lt;uvarint&gt; | (len &lt;uvarint&gt; name, len &lt;uvarint&gt; value) * n ) *
 * samples:    2 | [ ref0 &lt;8b BE&gt; | t0 &lt;8b BE&gt; | ( ref-ref0 &lt;varint&gt; | t-t0 &lt;varint&gt; | v &lt;8b float bits&gt; ) * ]
 * tombstones: 3 | ( ref &lt;8b BE&gt; | mint &lt;varint&gt; | maxt &lt;varint&gt; ) *
 * </pre>
 * The deltas are zig-zag signed varints (Prometheus's format document says uvarint; its code writes
 * varints, and the code is what is on disk).
 */
public final class RecordEncoder {
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Go's binary.PutVarint into {@code b} at {@code p}; returns the position after it. */
    private static int putVarint(byte[] b, int p, long v) {
        long u = (v << 1) ^ (v >> 63);
        while ((u & ~0x7FL) != 0) {
            b[p++] = (byte) ((u & 0x7F) | 0x80);
            u >>>= 7;
        }
        b[p++] = (byte) u;
        return p;
    }

    public void series(List<RefSeries> series, ByteWriter out) {
        out.putByte(RecordType.SERIES.code());
        for (RefSeries s : series) {
            out.putBE64(s.ref());
            labels(s.labels(), out);
        }
    }

    /** One series entry at a time, for callers that hold refs and labels in their own structures. */
    public void seriesHeader(ByteWriter out) {
        out.putByte(RecordType.SERIES.code());
    }

    public void seriesEntry(long ref, Labels labels, ByteWriter out) {
        out.putBE64(ref);
        labels(labels, out);
    }

    private static void labels(Labels l, ByteWriter out) {
        int n = l.size();
        out.putUvarint(n);
        for (int i = 0; i < n; i++) {
            out.putUvarintString(l.name(i));
            out.putUvarintString(l.value(i));
        }
    }

    public void samples(SampleBatch samples, ByteWriter out) {
        out.putByte(RecordType.SAMPLES.code());
        int n = samples.size();
        if (n == 0) {
            return;
        }
        long ref0 = samples.ref(0);
        long t0 = samples.t(0);
        // at most 10 + 10 + 8 bytes a sample: claimed once, then written with a local index (this
        // loop runs once per sample ingested)
        int p = out.claim(16 + 28 * n);
        byte[] b = out.array();
        BE64.set(b, p, ref0);
        BE64.set(b, p + 8, t0);
        p += 16;
        for (int i = 0; i < n; i++) {
            p = putVarint(b, p, samples.ref(i) - ref0);
            p = putVarint(b, p, samples.t(i) - t0);
            BE64.set(b, p, Double.doubleToRawLongBits(samples.v(i)));
            p += 8;
        }
        out.advanceTo(p);
    }

    public void tombstones(TombstoneBatch stones, ByteWriter out) {
        out.putByte(RecordType.TOMBSTONES.code());
        for (int i = 0; i < stones.size(); i++) {
            out.putBE64(stones.ref(i));
            out.putVarint(stones.mint(i));
            out.putVarint(stones.maxt(i));
        }
    }
}
