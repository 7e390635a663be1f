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
