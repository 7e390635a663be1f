package dev.cairn.tsdb.record;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordCodecTest {
    private final RecordEncoder enc = new RecordEncoder();
    private final RecordDecoder dec = new RecordDecoder(new SymbolTable());

    private static String hex(ByteWriter w) {
        return HexFormat.of().formatHex(w.toByteArray());
    }

    private static ByteReader reader(ByteWriter w) {
        return ByteReader.of(w.toByteArray(), "test-record");
    }

    @Test
    void samples_twoSamples_encodeAsPrometheusLayout() {
        SampleBatch b = new SampleBatch();
        b.add(5, 1000, 1.0);
        b.add(4, 1015, -2.5);
        ByteWriter w = new ByteWriter();
        enc.samples(b, w);
        // type 2 | ref0=5 BE64 | t0=1000 BE64 |
        // 00 (ref delta 0) 00 (t delta 0) 3ff0000000000000 (1.0) |
        // 01 (ref delta -1, zig-zag) 1e (t delta 15, zig-zag) c004000000000000 (-2.5)
        assertEquals("02" + "0000000000000005" + "00000000000003e8"
                + "00" + "00" + "3ff0000000000000"
                + "01" + "1e" + "c004000000000000", hex(w));
    }

    @Test
    void series_oneSeries_encodesRefCountAndStrings() {
        ByteWriter w = new ByteWriter();
        enc.series(List.of(new RefSeries(258, Labels.of("job", "a", "__name__", "up"))), w);
        // type 1 | ref 258 | 2 labels | 8 "__name__" 2 "up" | 3 "job" 1 "a"
        assertEquals("01" + "0000000000000102" + "02" + "08" + hex("__name__") + "02" + hex("up")
                + "03" + hex("job") + "01" + hex("a"), hex(w));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void tombstones_encodeRefAndSignedVarints() {
        TombstoneBatch t = new TombstoneBatch();
        t.add(1, -1, 64);
        ByteWriter w = new ByteWriter();
        enc.tombstones(t, w);
        // type 3 | ref 1 | mint -1 -> zig-zag 1 | maxt 64 -> zig-zag 128 = 0x80 0x01
        assertEquals("03" + "0000000000000001" + "01" + "8001", hex(w));
    }

    @Test
    void samples_randomBatches_roundTripIncludingNaNBits() {
        SplittableRandom rnd = new SplittableRandom(42);
        ByteWriter w = new ByteWriter();
        SampleBatch in = new SampleBatch();
        SampleBatch out = new SampleBatch(1);
        for (int round = 0; round < 200; round++) {
            in.clear();
            int n = rnd.nextInt(0, 300);
            for (int i = 0; i < n; i++) {
                double v = switch (rnd.nextInt(4)) {
                    case 0 -> Double.longBitsToDouble(0x7ff0000000000002L); // Prometheus's stale marker
                    case 1 -> -0.0;
                    default -> rnd.nextDouble() * 1e12 - 5e11;
                };
                in.add(rnd.nextLong(0, 1L << 40), rnd.nextLong(-1L << 50, 1L << 50), v);
            }
            w.reset();
            enc.samples(in, w);
            dec.samples(reader(w), out);
            assertEquals(n, out.size());
            for (int i = 0; i < n; i++) {
                assertEquals(in.ref(i), out.ref(i));
                assertEquals(in.t(i), out.t(i));
                assertEquals(Double.doubleToRawLongBits(in.v(i)), Double.doubleToRawLongBits(out.v(i)));
            }
        }
    }

    @Test
    void series_decode_internsStringsAndKeepsOrder() {
        ByteWriter w = new ByteWriter();
        enc.series(List.of(new RefSeries(1, Labels.of("__name__", "up", "job", "node")),
                new RefSeries(2, Labels.of("__name__", "up", "job", "db"))), w);
        List<RefSeries> got = new ArrayList<>();
        dec.series(reader(w), got);
        assertEquals(2, got.size());
        assertEquals(Labels.of("__name__", "up", "job", "db"), got.get(1).labels());
        assertEquals(2, got.get(1).ref());
        assertSame(got.get(0).labels().value(0), got.get(1).labels().value(0), "\"up\" is held once");
    }

    @Test
    void tombstones_roundTrip() {
        TombstoneBatch in = new TombstoneBatch();
        for (int i = 0; i < 20; i++) {
            in.add(i * 7L, -i * 1000L, i * 1_000_000_000_000L);
        }
        ByteWriter w = new ByteWriter();
        enc.tombstones(in, w);
        TombstoneBatch out = new TombstoneBatch();
        dec.tombstones(reader(w), out);
        assertEquals(20, out.size());
        assertEquals(19 * 7L, out.ref(19));
        assertEquals(-19_000L, out.mint(19));
        assertEquals(19_000_000_000_000L, out.maxt(19));
    }

    @Test
    void samples_truncatedRecord_throwsCorruptionWithOffset() {
        SampleBatch b = new SampleBatch();
        b.add(1, 1, 1);
        b.add(2, 2, 2);
        ByteWriter w = new ByteWriter();
        enc.samples(b, w);
        byte[] cut = java.util.Arrays.copyOf(w.toByteArray(), w.length() - 3);
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> dec.samples(ByteReader.of(cut, "seg-7"), new SampleBatch()));
        assertEquals("seg-7", e.file());
        assertTrue(e.offset() > 17, "offset " + e.offset() + " points into the second sample");
    }

    @Test
    void samples_longRecordInASlicedBuffer_decodesEverySampleAndCutOneIsCorruption() {
        SplittableRandom rnd = new SplittableRandom(7);
        SampleBatch in = new SampleBatch();
        for (int i = 0; i < 1000; i++) {
            // deltas of every varint length, both signs, around ref0/t0
            in.add(1000 + rnd.nextLong(-1L << rnd.nextInt(1, 62), 1L << rnd.nextInt(1, 62)),
                    rnd.nextLong(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4), Double.longBitsToDouble(rnd.nextLong()));
        }
        ByteWriter w = new ByteWriter();
        enc.samples(in, w);
        // the record inside a larger array at an offset, as a WAL page buffer slice
        byte[] big = new byte[w.length() + 100];
        System.arraycopy(w.array(), 0, big, 37, w.length());
        java.nio.ByteBuffer slice = java.nio.ByteBuffer.wrap(big, 37, w.length()).slice();
        SampleBatch out = new SampleBatch(1);
        dec.samples(new ByteReader(slice, "seg-1", 0), out);
        assertEquals(1000, out.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals(in.ref(i), out.ref(i), "ref " + i);
            assertEquals(in.t(i), out.t(i), "t " + i);
            assertEquals(Double.doubleToRawLongBits(in.v(i)), Double.doubleToRawLongBits(out.v(i)), "v " + i);
        }
        byte[] cut = java.util.Arrays.copyOf(w.toByteArray(), w.length() / 2);
        assertThrows(CorruptionException.class, () -> dec.samples(ByteReader.of(cut, "seg-2"), new SampleBatch()));
        // an 11-byte varint where the first sample's ref delta should be
        byte[] bad = java.util.Arrays.copyOf(w.toByteArray(), w.length());
        for (int i = 17; i < 28; i++) {
            bad[i] = (byte) 0xFF;
        }
        CorruptionException e = assertThrows(CorruptionException.class,
                () -> dec.samples(ByteReader.of(bad, "seg-3"), new SampleBatch()));
        assertEquals("seg-3", e.file());
    }

    @Test
    void decode_wrongType_isReported() {
        ByteWriter w = new ByteWriter();
        enc.tombstones(new TombstoneBatch(), w);
        assertEquals(RecordType.TOMBSTONES, RecordDecoder.type(reader(w)));
        CorruptionException e = assertThrows(CorruptionException.class, () -> dec.samples(reader(w), new SampleBatch()));
        assertTrue(e.getMessage().contains("TOMBSTONES"), e.getMessage());
    }

    @Test
    void series_unsortedLabels_isCorruption() {
        ByteWriter w = new ByteWriter();
        w.putByte(1).putBE64(1).putUvarint(2).putUvarintString("b").putUvarintString("1")
                .putUvarintString("a").putUvarintString("2");
        assertThrows(CorruptionException.class, () -> dec.series(reader(w), new ArrayList<>()));
    }
}
