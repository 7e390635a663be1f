package dev.cairn.tsdb.chunk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClippedIteratorTest {

    /** An XOR chunk of samples at t = 0, 10, …, 90 with v = t / 10. */
    private static ChunkIterator tens() {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (long t = 0; t < 100; t += 10) {
            a.append(t, t / 10.0);
        }
        return c.iterator(null);
    }

    private static List<Long> times(ChunkIterator it) {
        List<Long> out = new ArrayList<>();
        while (it.next()) {
            out.add(it.atT());
        }
        return out;
    }

    @Test
    void next_yieldsOnlyTheSamplesInsideTheClosedRange() {
        assertEquals(List.of(20L, 30L, 40L, 50L), times(new ClippedIterator(tens(), 15, 50)));
        assertEquals(List.of(0L, 10L), times(new ClippedIterator(tens(), -5, 10)));
        assertEquals(List.of(), times(new ClippedIterator(tens(), 91, 200)));
        assertEquals(List.of(), times(new ClippedIterator(tens(), 41, 49)));
    }

    @Test
    void seek_clampsToTheRangeAndStopsAfterIt() {
        ClippedIterator it = new ClippedIterator(tens(), 20, 60);
        assertTrue(it.seek(0)); // before the range: lands on its first sample
        assertEquals(20, it.atT());
        assertEquals(2.0, it.atV());
        assertTrue(it.seek(45));
        assertEquals(50, it.atT());
        assertTrue(it.next());
        assertEquals(60, it.atT());
        assertFalse(it.next());
        assertFalse(it.seek(0), "an iterator past its range stays done");
        assertFalse(new ClippedIterator(tens(), 20, 60).seek(61));
    }
}
