package dev.cairn.tsdb.record;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;

import java.util.List;

/**
 * Reads series, samples and tombstones records as Prometheus writes them (see {@link RecordEncoder}
 * for the layouts). Damage throws {@link dev.cairn.tsdb.encoding.CorruptionException} with the
 * file and offset the {@link ByteReader} carries. Samples and tombstones decode into reusable
 * primitive batches; label strings are interned in the given {@link SymbolTable}, so a replay
 * holds each distinct string once. Not thread-safe (the symbol table is).
 */
public final class RecordDecoder {
    private final SymbolTable symbols;

    public RecordDecoder(SymbolTable symbols) {
        this.symbols = symbols;
    }

    /** The record's type, from its first byte, without moving the reader. */
    public static RecordType type(ByteReader r) {
        return r.limit() == 0 ? RecordType.UNKNOWN : RecordType.of(r.buffer().get(0) & 0xFF);
    }

    /** Appends the series of a series record to {@code out}. */
    public void series(ByteReader r, List<RefSeries> out) {
        expect(r, RecordType.SERIES);
        while (r.remaining() > 0) {
            long ref = r.getBE64();
            out.add(new RefSeries(ref, labels(r)));
        }
    }

    private Labels labels(ByteReader r) {
        int at = r.position();
        int n = r.getUvarintInt();
        if (n > r.remaining() / 2) {
            throw r.corrupt("series claims " + n + " labels in " + r.remaining() + " bytes");
        }
        String[] kv = new String[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            kv[i] = symbols.intern(r.getUvarintString());
        }
        for (int i = 2; i < kv.length; i += 2) {
            if (kv[i].compareTo(kv[i - 2]) <= 0) {
                r.position(at);
                throw r.corrupt("label names not sorted and unique: " + kv[i - 2] + " before " + kv[i]);
            }
        }
        return Labels.ofSorted(kv);
    }

    /** Clears {@code out} and fills it with the samples of a samples record. */
    public void samples(ByteReader r, SampleBatch out) {
        out.clear();
        expect(r, RecordType.SAMPLES);
        if (r.remaining() == 0) {
            return;
        }
        long ref0 = r.getBE64();
        long t0 = r.getBE64();
        // Each sample takes at least 1 + 1 + 8 bytes.
        out.ensureCapacity(r.remaining() / 10);
        java.nio.ByteBuffer bb = r.buffer();
        if (bb.hasArray()) {
            samplesFromArray(r, bb, ref0, t0, out);
            return;
        }
        while (r.remaining() > 0) {
            long ref = ref0 + r.getVarint();
            long t = t0 + r.getVarint();
            double v = Double.longBitsToDouble(r.getBE64());
            out.add(ref, t, v);
        }
    }

    /**
     * The samples loop straight on the record's array: a replay decodes every sample of the WAL,
     * so the varints are read here without a bounds check per byte; one check per sample (a sample
     * takes at most 10 + 10 + 8 bytes) and a careful loop near the end keep damage a
     * {@link dev.cairn.tsdb.encoding.CorruptionException}.
     */
    private static void samplesFromArray(ByteReader r, java.nio.ByteBuffer bb, long ref0, long t0, SampleBatch out) {
        byte[] a = bb.array();
        int base = bb.arrayOffset();
        int p = base + r.position();
        int end = base + r.limit();
        while (p + 28 <= end) {
            long x = 0;
            int shift = 0;
            int b;
            do {
                b = a[p++];
                x |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0 && shift < 70);
            if (b < 0) {
                r.position(p - base);
                throw r.corrupt("varint longer than 10 bytes in a samples record");
            }
            long ref = ref0 + ((x >>> 1) ^ -(x & 1));
            x = 0;
            shift = 0;
            do {
                b = a[p++];
                x |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0 && shift < 70);
            if (b < 0) {
                r.position(p - base);
                throw r.corrupt("varint longer than 10 bytes in a samples record");
            }
            long t = t0 + ((x >>> 1) ^ -(x & 1));
            long v = ((long) a[p] << 56) | ((long) (a[p + 1] & 0xFF) << 48) | ((long) (a[p + 2] & 0xFF) << 40)
                    | ((long) (a[p + 3] & 0xFF) << 32) | ((long) (a[p + 4] & 0xFF) << 24) | ((a[p + 5] & 0xFF) << 16)
                    | ((a[p + 6] & 0xFF) << 8) | (a[p + 7] & 0xFF);
            p += 8;
            out.add(ref, t, Double.longBitsToDouble(v));
        }
        // the last few samples with the checked reader: a cut record fails as corruption
        r.position(p - base);
        while (r.remaining() > 0) {
            long ref = ref0 + r.getVarint();
            long t = t0 + r.getVarint();
            double v = Double.longBitsToDouble(r.getBE64());
            out.add(ref, t, v);
        }
    }

    /** Clears {@code out} and fills it with the intervals of a tombstones record. */
    public void tombstones(ByteReader r, TombstoneBatch out) {
        out.clear();
        expect(r, RecordType.TOMBSTONES);
        while (r.remaining() > 0) {
            long ref = r.getBE64();
            long mint = r.getVarint();
            long maxt = r.getVarint();
            out.add(ref, mint, maxt);
        }
    }

    private static void expect(ByteReader r, RecordType want) {
        r.position(0);
        int code = r.getByte();
        if (code != want.code()) {
            r.position(0);
            throw r.corrupt("expected a " + want + " record, found type " + code + " (" + RecordType.of(code) + ")");
        }
    }
}
