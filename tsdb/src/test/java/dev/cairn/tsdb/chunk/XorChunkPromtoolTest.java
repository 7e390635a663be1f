package dev.cairn.tsdb.chunk;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bit identity with the real Prometheus: promtool (Debian's 2.42) backfills an OpenMetrics file we
 * generate into a block; we parse its {@code chunks/000001} with our own framing code, check that the
 * chunks hold exactly our samples, that our encoder turns those samples into exactly the same bytes,
 * and that our segment writer reproduces the whole segment file.
 *
 * <p>Needs {@code /usr/bin/promtool} (Debian package {@code prometheus}); fails when it is missing.
 */
class XorChunkPromtoolTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** A multiple of promtool's 2h block duration, so every sample below lands in one block. */
    private static final long WINDOW_START = 1_699_999_200_000L;
    private static final long WINDOW_END = WINDOW_START + 7_200_000L;
    /** promtool's BlockWriter runs its head with a chunk range of twice the block duration. */
    private static final long CHUNK_RANGE = 2 * 7_200_000L;

    record Series(String name, long[] t, long[] v) {
    }

    record RawChunk(long offset, int encoding, byte[] data) {
    }

    private static List<Series> series;
    private static Path block;
    private static byte[] segment;
    private static List<RawChunk> chunks;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void backfillWithPromtool() throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            fail(PROMTOOL + " is missing: this test compares our chunks with the real Prometheus's; "
                + "install Debian's prometheus package (apt-get install prometheus)");
        }
        series = makeSeries(new Random(20261125));
        Path input = tmp.resolve("input.om");
        Files.writeString(input, openMetrics(series), StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("promtool.log");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics",
            input.toString(), out.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish within 120 s; output: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "promtool failed: " + Files.readString(log));
        List<Path> blocks;
        try (Stream<Path> s = Files.list(out)) {
            blocks = s.filter(Files::isDirectory).toList();
        }
        assertEquals(1, blocks.size(), "expected one block, promtool wrote " + blocks);
        block = blocks.get(0);
        Path chunksDir = block.resolve("chunks");
        try (Stream<Path> s = Files.list(chunksDir)) {
            assertEquals(List.of("000001"), s.map(f -> f.getFileName().toString()).sorted().toList());
        }
        segment = Files.readAllBytes(chunksDir.resolve("000001"));
        chunks = parseSegment(segment);
    }

    /** Our own reading of the framing, independent of ChunkSegmentReader. */
    private static List<RawChunk> parseSegment(byte[] seg) {
        ByteBuffer b = ByteBuffer.wrap(seg);
        assertEquals(0x85BD40DD, b.getInt(0), "magic");
        assertEquals(1, seg[4], "version");
        assertEquals(0, seg[5] | seg[6] | seg[7], "padding");
        List<RawChunk> out = new ArrayList<>();
        int pos = 8;
        while (pos < seg.length) {
            int start = pos;
            long len = 0;
            int shift = 0;
            while (true) {
                int by = seg[pos++] & 0xFF;
                len |= (long) (by & 0x7F) << shift;
                shift += 7;
                if (by < 0x80) {
                    break;
                }
            }
            int enc = seg[pos] & 0xFF;
            CRC32C crc = new CRC32C();
            crc.update(seg, pos, (int) len + 1);
            pos++;
            byte[] data = new byte[(int) len];
            System.arraycopy(seg, pos, data, 0, (int) len);
            pos += (int) len;
            assertEquals((int) crc.getValue(), b.getInt(pos), "CRC32C of chunk at " + start);
            pos += 4;
            out.add(new RawChunk(start, enc, data));
        }
        assertEquals(seg.length, pos, "segment ends after the last chunk");
        return out;
    }

    private static List<Series> makeSeries(Random r) {
        List<Series> s = new ArrayList<>();
        long t0 = WINDOW_START + 60_000;
        // regular scrapes, a counter, long enough for several chunks
        s.add(series(s, regular(t0, 15_000, 400), SampleGen.values(r, 400, SampleGen.Values.COUNTER)));
        // jittered scrapes (14-bit dods), a gauge
        long[] jitter = new long[250];
        for (int i = 0; i < jitter.length; i++) {
            jitter[i] = t0 + i * 10_000L + r.nextInt(4000);
        }
        s.add(series(s, jitter, SampleGen.values(r, jitter.length, SampleGen.Values.GAUGE)));
        // dods on each bucket's edges, both signs: deltas 1000, 1000+x, 1000, ... give dods +x, -x
        long[] edges = {1, 8191, 8192, 8193, 65535, 65536, 65537, 524287, 524288, 524289};
        long[] et = new long[2 * edges.length + 2];
        et[0] = t0;
        et[1] = t0 + 1000;
        for (int i = 0; i < edges.length; i++) {
            et[2 + 2 * i] = et[1 + 2 * i] + 1000 + edges[i];
            et[3 + 2 * i] = et[2 + 2 * i] + 1000;
        }
        s.add(series(s, et, SampleGen.values(r, et.length, SampleGen.Values.COUNTER)));
        // the special values the text format can carry
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, 1.0, Double.NaN, 3.25};
        long[] sv = new long[120];
        for (int i = 0; i < sv.length; i++) {
            sv[i] = Double.doubleToRawLongBits(specials[r.nextInt(specials.length)]);
        }
        s.add(series(s, regular(t0, 30_000, sv.length), sv));
        // arbitrary finite doubles at irregular times: windows of every width
        long[] rt = new long[150];
        long[] rv = new long[150];
        long cur = t0;
        for (int i = 0; i < rt.length; i++) {
            rt[i] = cur;
            cur += 1 + r.nextInt(r.nextBoolean() ? 2000 : 40_000);
            long bits;
            do {
                bits = r.nextLong();
            } while (Double.isNaN(Double.longBitsToDouble(bits)));
            rv[i] = bits;
        }
        s.add(series(s, rt, rv));
        // values differing in their low bits only: more than 31 leading zeros, capped at 31
        long[] lv = new long[120];
        long base = Double.doubleToRawLongBits(12345.678);
        for (int i = 0; i < lv.length; i++) {
            lv[i] = base ^ (r.nextLong() >>> (40 + r.nextInt(24)));
        }
        s.add(series(s, regular(t0, 15_000, lv.length), lv));
        // one and two samples
        s.add(series(s, new long[] {t0 + 123}, new long[] {Double.doubleToRawLongBits(7.0)}));
        s.add(series(s, new long[] {t0, t0 + 61_001},
            new long[] {Double.doubleToRawLongBits(7.0), Double.doubleToRawLongBits(-7.5)}));
        // dense samples: the head cuts at 2 x 120 samples before the predicted end time
        s.add(series(s, regular(t0, 1, 700), SampleGen.values(r, 700, SampleGen.Values.CONSTANT)));
        for (Series x : s) {
            assertTrue(x.t[x.t.length - 1] < WINDOW_END, x.name + " leaves the block window");
        }
        return s;
    }

    private static Series series(List<Series> existing, long[] t, long[] v) {
        return new Series(String.format("%02d", existing.size()), t, v);
    }

    private static long[] regular(long t0, long step, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = t0 + i * step;
        }
        return t;
    }

    private static String openMetrics(List<Series> all) {
        StringBuilder sb = new StringBuilder("# TYPE cairn_chunk_test gauge\n");
        for (Series s : all) {
            for (int i = 0; i < s.t.length; i++) {
                String ts = (s.t[i] / 1000) + "." + String.format("%03d", s.t[i] % 1000);
                // Prometheus parses seconds as a float64 and truncates ts*1000: make sure that is our ms
                assertEquals(s.t[i], (long) (Double.parseDouble(ts) * 1000.0), "timestamp text " + ts);
                sb.append("cairn_chunk_test{case=\"").append(s.name).append("\"} ")
                    .append(text(Double.longBitsToDouble(s.v[i]))).append(' ').append(ts).append('\n');
            }
        }
        return sb.append("# EOF\n").toString();
    }

    private static String text(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(d); // shortest repr that parses back to the same double, in Go as in Java
    }

    /** Prometheus 2.42's head chunk cutting (memSeries.appendPreprocessor), for the sizes we expect. */
    private static List<Integer> expectedChunkSizes(long[] ts) {
        List<Integer> sizes = new ArrayList<>();
        int count = 0;
        long minTime = 0;
        long maxTime = 0;
        long nextAt = 0;
        for (long t : ts) {
            if (sizes.isEmpty() && count == 0) {
                minTime = t;
                nextAt = rangeEnd(t);
            }
            if (count == 120 / 4) {
                nextAt = chunkEndTime(minTime, maxTime, nextAt);
            }
            if (t >= nextAt || count >= 2 * 120) {
                sizes.add(count);
                count = 0;
                minTime = t;
                nextAt = rangeEnd(t);
            }
            count++;
            maxTime = t;
        }
        sizes.add(count);
        return sizes;
    }

    private static long rangeEnd(long t) {
        return (t / CHUNK_RANGE) * CHUNK_RANGE + CHUNK_RANGE;
    }

    private static long chunkEndTime(long start, long cur, long max) {
        long n = (max - start) / ((cur - start + 1) * 4);
        return n <= 1 ? max : start + (max - start) / n;
    }

    @Test
    void promtoolChunks_holdOurSamplesCutAsPrometheusHeadCuts() {
        int next = 0;
        for (Series s : series) {
            List<Integer> want = expectedChunkSizes(s.t);
            int sample = 0;
            for (int k = 0; k < want.size(); k++) {
                assertTrue(next < chunks.size(), "promtool wrote too few chunks; series " + s.name);
                RawChunk raw = chunks.get(next++);
                assertEquals(ChunkEncoding.XOR.code(), raw.encoding, "encoding byte");
                XorChunk c = XorChunk.wrap(raw.data, 0, raw.data.length);
                assertEquals((int) want.get(k), c.numSamples(),
                    "series " + s.name + " chunk " + k + ": sample count (cut sizes expected " + want + ")");
                XorIterator it = c.iterator(null);
                while (it.next()) {
                    String where = "series " + s.name + " sample " + sample;
                    assertEquals(s.t[sample], it.atT(), where + " timestamp");
                    double want1 = Double.longBitsToDouble(s.v[sample]);
                    if (Double.isNaN(want1)) {
                        assertTrue(Double.isNaN(it.atV()), where + " NaN");
                    } else {
                        assertEquals(Long.toHexString(s.v[sample]), Long.toHexString(it.atVBits()), where + " value");
                    }
                    sample++;
                }
            }
            assertEquals(s.t.length, sample, "series " + s.name + ": samples in promtool's chunks");
        }
        assertEquals(chunks.size(), next, "promtool wrote more chunks than our series need");
    }

    @Test
    void encoder_samplesOfEachPromtoolChunk_reproducesItsBytes() {
        int edgeCaseChunks = 0;
        for (RawChunk raw : chunks) {
            XorIterator it = XorChunk.wrap(raw.data, 0, raw.data.length).iterator(null);
            XorChunk ours = new XorChunk();
            XorAppender app = ours.appender();
            while (it.next()) {
                app.appendBits(it.atT(), it.atVBits());
            }
            assertEquals(HexFormat.of().formatHex(raw.data), HexFormat.of().formatHex(ours.toByteArray()),
                "chunk at offset " + raw.offset + " of promtool's chunks/000001");
            edgeCaseChunks++;
        }
        assertTrue(edgeCaseChunks > series.size(), "compared " + edgeCaseChunks + " chunks");
    }

    @Test
    void segmentWriter_promtoolChunks_reproducesTheWholeSegmentFile() throws IOException {
        Path dir = tmp.resolve("ours-" + System.nanoTime());
        List<Long> refs = new ArrayList<>();
        try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir)) {
            for (RawChunk raw : chunks) {
                refs.add(w.write(XorChunk.wrap(raw.data, 0, raw.data.length)));
            }
        }
        assertArrayEquals(segment, Files.readAllBytes(dir.resolve("000001")), "our chunks/000001 differs from promtool's");
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(chunks.get(i).offset, (long) refs.get(i), "ref of chunk " + i + ": segment 0, its offset");
        }
    }

    @Test
    void segmentReader_promtoolBlock_returnsEachChunkByRef() throws IOException {
        try (ChunkSegmentReader r = ChunkSegmentReader.open(block.resolve("chunks"))) {
            assertEquals(1, r.segmentCount());
            for (RawChunk raw : chunks) {
                Chunk c = r.chunk(ChunkMeta.ref(0, (int) raw.offset));
                assertEquals(ChunkEncoding.XOR, c.encoding());
                byte[] got = new byte[c.length()];
                System.arraycopy(c.bytes(), 0, got, 0, c.length());
                assertArrayEquals(raw.data, got, "chunk at offset " + raw.offset);
            }
        }
    }
}
