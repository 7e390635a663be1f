package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed cases of Thanos's window and counter rules. */
class CounterSemanticsTest {
    private static final long M5 = Downsampler.RES_5M;

    private static void assertSeq(ChunkIterator it, double... tv) {
        for (int i = 0; i < tv.length; i += 2) {
            assertTrue(it.next(), "sample " + i / 2 + " missing");
            assertEquals((long) tv[i], it.atT(), "timestamp of sample " + i / 2);
            assertEquals(tv[i + 1], it.atV(), "value of sample " + i / 2 + " at " + it.atT());
        }
        assertFalse(it.next(), "more samples than expected");
    }

    private static XorChunk xor(double... tv) {
        XorChunk c = new XorChunk();
        XorAppender a = c.appender();
        for (int i = 0; i < tv.length; i += 2) {
            a.append((long) tv[i], tv[i + 1]);
        }
        return c;
    }

    @Test
    void rawBatch_windowsEndAtLastMillisecond_exceptTheLast_andCounterIsFramedByRawValues() {
        SampleBuffer in = new SampleBuffer();
        in.add(10_000, 10);
        in.add(70_000, 20);
        in.add(130_000, 5); // reset
        in.add(200_000, Double.NaN); // left out
        in.add(310_000, 8);
        in.add(370_000, 1); // reset in the last window
        List<BlockChunk> out = new ArrayList<>();
        new RawDownsampling().downsample(in, M5, out);
        assertEquals(1, out.size());
        BlockChunk bc = out.get(0);
        assertEquals(M5 - 1, bc.minTime(), "chunk starts at the first window, not the first raw sample");
        assertEquals(370_000, bc.maxTime());
        AggrChunk a = (AggrChunk) bc.chunk();
        assertSeq(a.iter(AggrType.COUNT), M5 - 1, 3, 370_000, 2);
        assertSeq(a.iter(AggrType.SUM), M5 - 1, 35, 370_000, 9);
        assertSeq(a.iter(AggrType.MIN), M5 - 1, 5, 370_000, 1);
        assertSeq(a.iter(AggrType.MAX), M5 - 1, 20, 370_000, 8);
        // first raw value, 10 +10 +5(reset) = 25, +3 +1(reset) = 29, then the last raw value at the last window.
        assertSeq(a.iter(AggrType.COUNTER), 10_000, 10, M5 - 1, 25, 370_000, 29, 370_000, 1);
    }

    @Test
    void counterResetsIterator_usesTheTrueLastRawValue_forResetsBetweenChunks() {
        // Chunk A ends with raw value 60; chunk B starts at 5: a reset between chunks, +5.
        XorChunk a = xor(1_000, 10, 299_999, 40, 400_000, 60, 400_000, 60);
        // Chunk B's counter rises to 20 but its last raw value is 3 (a reset inside its last window).
        XorChunk b = xor(610_000, 5, 899_999, 15, 1_000_000, 20, 1_000_000, 3);
        // Chunk C starts at 4: compared with 3 (not with 20) it is growth of 1, not a reset.
        XorChunk c = xor(1_300_000, 4, 1_499_999, 9, 1_499_999, 9);
        CounterResetsIterator it = new CounterResetsIterator(a.iterator(null), b.iterator(null), c.iterator(null));
        assertSeq(it, 1_000, 10, 299_999, 40, 400_000, 60, 610_000, 65, 899_999, 75, 1_000_000, 80,
            1_300_000, 81, 1_499_999, 86);
        assertEquals(9, it.lastRawValue());
    }

    @Test
    void counterResetsIterator_seek_stepsThroughResets() {
        XorChunk a = xor(0, 100, 10, 200, 20, 50, 30, 60);
        CounterResetsIterator it = new CounterResetsIterator(a.iterator(null));
        assertTrue(it.seek(25));
        assertEquals(30, it.atT());
        assertEquals(100 + 100 + 50 + 10, it.atV());
        assertTrue(it.seek(5), "seek never goes back");
        assertEquals(30, it.atT());
        assertFalse(it.seek(31));
    }

    @Test
    void aggrBatch_sumsCountsAndSums_keepsMinMax_andReframesTheCounter() {
        // Two 5m chunks, as RawDownsampling makes them, with a reset between them.
        SampleBuffer in = new SampleBuffer();
        long[] ts = {10_000, 200_000, 400_000, 700_000, 3_700_000, 3_800_000};
        double[] vs = {1, 4, 9, 2, 6, 7};
        for (int i = 0; i < ts.length; i++) {
            in.add(ts[i], vs[i]);
        }
        List<BlockChunk> five = new ArrayList<>();
        RawDownsampling raw = new RawDownsampling();
        SampleBuffer first = new SampleBuffer();
        SampleBuffer second = new SampleBuffer();
        for (int i = 0; i < ts.length; i++) {
            (i < 3 ? first : second).add(ts[i], vs[i]);
        }
        raw.downsample(first, M5, five);
        raw.downsample(second, M5, five);
        assertEquals(2, five.size());
        List<AggrChunk> chunks = List.of((AggrChunk) five.get(0).chunk(), (AggrChunk) five.get(1).chunk());
        List<BlockChunk> hour = new ArrayList<>();
        new AggrDownsampling().downsample(chunks, five.get(0).minTime(), five.get(1).maxTime(), M5, Downsampler.RES_1H, hour);
        assertEquals(1, hour.size());
        AggrChunk h = (AggrChunk) hour.get(0).chunk();
        long w0 = Downsampler.RES_1H - 1;
        assertSeq(h.iter(AggrType.COUNT), w0, 4, 3_800_000, 2);
        assertSeq(h.iter(AggrType.SUM), w0, 16, 3_800_000, 13);
        assertSeq(h.iter(AggrType.MIN), w0, 1, 3_800_000, 6);
        assertSeq(h.iter(AggrType.MAX), w0, 9, 3_800_000, 7);
        // 1 → 4 → 9, reset to 2 (+2) = 11, → 6 = 15, → 7 = 16; framed by raw first 1 and raw last 7.
        assertSeq(h.iter(AggrType.COUNTER), 10_000, 1, w0, 11, 3_800_000, 16, 3_800_000, 7);
    }

    @Test
    void targetChunkCount_aimsBelow140WindowsPerChunk() {
        // 48h of 1-minute raw data at 5m: 576 windows → 5 chunks (576/4 = 144 > 140, 576/5 = 115).
        assertEquals(5, Windows.targetChunkCount(0, 48 * 3_600_000L, 60_000, M5, 48 * 60));
        // Sparse data: 10 samples over 48h fill the range little → one chunk.
        assertEquals(1, Windows.targetChunkCount(0, 48 * 3_600_000L, 60_000, M5, 10));
        assertEquals(1, Windows.targetChunkCount(5, 5, 60_000, M5, 1), "a single sample");
    }
}
