package dev.cairn.tsdb.index;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index header read by ranges, as the store gateway reads it from a bucket, agrees with the
 * memory-mapped {@link IndexReader} on names, values, every postings list and every series entry.
 */
class IndexHeaderTest {
    @TempDir
    Path tmp;

    @Test
    void header_agreesWithTheIndexReader_onEveryListAndSeries() throws Exception {
        TreeMap<Labels, List<ChunkMeta>> series = IndexFixtures.randomSeries(new Random(11), 500, 40);
        Path file = tmp.resolve("index");
        Map<Labels, Long> refs = IndexFixtures.write(file, series);
        byte[] bytes = Files.readAllBytes(file);
        AtomicInteger reads = new AtomicInteger();
        IndexHeader h = IndexHeader.read((off, len) -> {
            reads.incrementAndGet();
            return Arrays.copyOfRange(bytes, (int) off, (int) off + len);
        }, bytes.length, "bucket/index", null);
        assertEquals(4, reads.get(), "header, TOC, symbols, postings offset table");
        assertTrue(h.residentBytes() < bytes.length);
        try (IndexReader r = IndexReader.open(file)) {
            assertEquals(r.labelNames(), h.labelNames());
            for (String name : r.labelNames()) {
                assertEquals(r.labelValues(name), h.labelValues(name), name);
                for (String v : r.labelValues(name)) {
                    long[] range = h.postingsRange(name, v);
                    byte[] list = Arrays.copyOfRange(bytes, (int) range[0], (int) range[1]);
                    assertArrayEquals(ListPostings.expand(r.postings(name, v)),
                            ListPostings.expand(h.postings(list, 0, list.length, range[0])), name + "=" + v);
                }
            }
            long[] all = h.postingsRange("", "");
            byte[] list = Arrays.copyOfRange(bytes, (int) all[0], (int) all[1]);
            assertEquals(series.size(), ListPostings.expand(h.postings(list, 0, list.length, all[0])).length);
            assertNull(h.postingsRange("no_such_label", "x"));
            assertNull(h.postingsRange(r.labelNames().get(0), "no such value"));
            SeriesBuilder want = new SeriesBuilder();
            SeriesBuilder got = new SeriesBuilder();
            for (Map.Entry<Labels, Long> e : refs.entrySet()) {
                long ref = e.getValue();
                assertTrue(h.validSeriesRef(ref));
                assertTrue(r.series(ref, want));
                int at = (int) (ref * 16);
                // too few bytes: told how many the entry needs
                int need = h.series(ref, bytes, at, 2, got);
                assertTrue(need > 2, "need " + need);
                int whole = h.series(ref, bytes, at, (int) Math.min(bytes.length - at, Math.max(need, 16)), got);
                if (whole > 0) {
                    whole = h.series(ref, bytes, at, whole, got);
                }
                assertEquals(0, whole);
                assertEquals(want.labels(), got.labels());
                assertEquals(want.chunks(), got.chunks());
                assertEquals(e.getKey(), got.labels());
            }
        }
    }

    @Test
    void damagedSections_areCorruptionNamingTheObject() throws Exception {
        Path file = tmp.resolve("index");
        IndexFixtures.write(file, IndexFixtures.randomSeries(new Random(5), 50, 5));
        byte[] bytes = Files.readAllBytes(file);
        byte[] toc = bytes.clone();
        toc[toc.length - 20] ^= 1;
        CorruptionException e = assertThrows(CorruptionException.class, () -> IndexHeader.read(
                (off, len) -> Arrays.copyOfRange(toc, (int) off, (int) off + len), toc.length, "b/01X/index", null));
        assertTrue(e.getMessage().contains("b/01X/index") && e.getMessage().contains("table of contents"), e.getMessage());
        byte[] magic = bytes.clone();
        magic[0] = 0;
        assertThrows(CorruptionException.class, () -> IndexHeader.read(
                (off, len) -> Arrays.copyOfRange(magic, (int) off, (int) off + len), magic.length, "b/01X/index", null));
    }
}
