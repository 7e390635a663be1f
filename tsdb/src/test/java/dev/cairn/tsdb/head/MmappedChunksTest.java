package dev.cairn.tsdb.head;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunks_head index: each series' chunks in the order added, whether refs are dense or sparse. */
class MmappedChunksTest {
    private static void check(long[] seriesRefs) {
        MmappedChunks m = new MmappedChunks();
        Map<Long, List<Long>> expected = new LinkedHashMap<>();
        for (int i = 0; i < seriesRefs.length; i++) {
            long chunkRef = 1L << 32 | (8 + 100L * i);
            m.add(seriesRefs[i], chunkRef, 1000L * i, 1000L * i + 999);
            expected.computeIfAbsent(seriesRefs[i], k -> new ArrayList<>()).add(chunkRef);
        }
        assertThrows(IllegalStateException.class, () -> m.first(seriesRefs[0]), "read before seal");
        m.seal();
        assertEquals(seriesRefs.length, m.size());
        for (Map.Entry<Long, List<Long>> e : expected.entrySet()) {
            List<Long> got = new ArrayList<>();
            long prevMint = Long.MIN_VALUE;
            for (int i = m.first(e.getKey()); i >= 0; i = m.next(i)) {
                got.add(m.ref(i));
                assertTrue(m.mint(i) > prevMint, "file order");
                assertEquals(m.mint(i) + 999, m.maxt(i));
                prevMint = m.mint(i);
            }
            assertEquals(e.getValue(), got, "chunks of series " + e.getKey());
            int first = m.first(e.getKey());
            assertTrue(m.holds(first, e.getValue().get(e.getValue().size() - 1)));
            assertFalse(m.holds(first, 12345));
        }
        assertEquals(-1, m.first(123_456_789L), "absent series");
        assertEquals(-1, m.first(7_777_777L));
    }

    @Test
    void denseRefs_arrayIndex() {
        Random r = new Random(3);
        long[] refs = new long[5000];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = 1 + r.nextInt(2000);
        }
        check(refs);
    }

    @Test
    void sparseAndNegativeRefs_hashIndex() {
        Random r = new Random(4);
        long[] refs = new long[5000];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = (r.nextInt(700) + 1) * (1L << 40);
        }
        check(refs);
        check(new long[]{5, -3, 5, 1, -3, 0});
    }

    @Test
    void empty() {
        MmappedChunks m = new MmappedChunks().seal();
        assertEquals(0, m.size());
        assertEquals(-1, m.first(1));
        assertEquals(0, m.maxSeriesRef());
    }
}
