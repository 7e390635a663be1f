package dev.cairn.appliance.query;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupIteratorTest {
    private static final long STEP = 15_000;

    private static ChunkIterator it(long[] ts) {
        double[] vs = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
            vs[i] = ts[i];
        }
        return new BufferedSeries(Labels.EMPTY, ts, vs, ts.length).iterator(null);
    }

    private static long[] range(long from, long to) {
        return LongStream.rangeClosed(from / STEP, to / STEP).map(i -> i * STEP).toArray();
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void next_alignedReplicas_staysOnFirstAndSwitchesOnlyAfterItsGapPastThePenalty() {
        // a: 0..105s, gap, 255s..600s; b: complete. Picking a, b's penalty is 2×15 s, so after a's
        // last sample at 105 s, b is read from 135.001 s on: 150 s. Then a is penalised (2×45 s) and b stays.
        long[] a = concat(range(0, 105_000), range(255_000, 600_000));
        long[] b = range(0, 600_000);
        long[] got = Samples.times(new DedupIterator(it(a), it(b)));
        assertArrayEquals(concat(range(0, 105_000), range(150_000, 600_000)), got);
    }

    @Test
    void next_otherReplicaWithinInitialPenalty_isSkipped() {
        // b's first sample 4 s after a's: inside the 5 s initial penalty, so b's samples never surface
        long[] a = range(0, 150_000);
        long[] b = Arrays.stream(range(0, 150_000)).map(t -> t + 4_000).toArray();
        assertArrayEquals(a, Samples.times(new DedupIterator(it(a), it(b))));
    }

    @Test
    void next_otherReplicaPastInitialPenalty_isTakenOnce() {
        // a starts at 6 s, past the 5 s initial penalty from b's first sample at 0: after b's 0 we
        // switch to a (a is earlier than b's 15 s) and stay on it, b now penalised by 2×6 s and more
        long[] a = Arrays.stream(range(0, 150_000)).map(t -> t + 6_000).toArray();
        long[] b = range(0, 150_000);
        long[] got = Samples.times(new DedupIterator(it(a), it(b)));
        long[] want = new long[a.length + 1];
        want[0] = 0;
        System.arraycopy(a, 0, want, 1, a.length);
        assertArrayEquals(want, got);
    }

    @Test
    void next_twoReplicasWithGapsInDifferentPlaces_giveOneSeriesWithoutLongGapsOrDuplicates() {
        // a scrapes on the minute grid, b 3 s later; a is down 200..320 s, b is down 600..700 s
        long[] a = MemStore.grid(0, 1_200_000, STEP, 200_000, 320_000);
        long[] b = Arrays.stream(MemStore.grid(0, 1_200_000, STEP, 597_000, 697_000)).map(t -> t + 3_000).toArray();
        long[] got = Samples.times(new DedupIterator(it(a), it(b)));
        assertTrue(Samples.strictlyIncreasing(got), "timestamps strictly increase: " + Arrays.toString(got));
        // each replica alone has a gap of about 8 scrape intervals; deduplicated at most the penalty (2×) plus phase
        assertTrue(Samples.maxDelta(a) > 7 * STEP && Samples.maxDelta(b) > 6 * STEP);
        assertTrue(Samples.maxDelta(got) <= 3 * STEP, "largest gap " + Samples.maxDelta(got));
        // one sample per scrape interval, not two: 81 scrapes, minus at most two dropped per switch
        assertTrue(got.length <= 81 && got.length >= 77, "sample count " + got.length);
        assertEquals(0, got[0]);
        assertEquals(1_200_000, got[got.length - 1]);
    }

    @Test
    void next_oneReplicaExhausted_continuesWithTheOther() {
        long[] a = range(0, 60_000);
        long[] b = range(0, 300_000);
        long[] got = Samples.times(new DedupIterator(it(a), it(b)));
        // after a ends at 60 s, b is read from 60.001 s + its 30 s penalty on
        assertArrayEquals(concat(range(0, 60_000), range(105_000, 300_000)), got);
    }

    @Test
    void next_oneReplicaEmpty_isTheOther() {
        long[] b = range(0, 60_000);
        assertArrayEquals(b, Samples.times(new DedupIterator(it(new long[0]), it(b))));
        assertArrayEquals(b, Samples.times(new DedupIterator(it(b), it(new long[0]))));
        assertFalse(new DedupIterator(it(new long[0]), it(new long[0])).next());
    }

    @Test
    void seek_landsWhereIterationWould() {
        long[] a = concat(range(0, 105_000), range(255_000, 600_000));
        long[] b = Arrays.stream(range(0, 600_000)).map(t -> t + 2_000).toArray();
        long[] all = Samples.times(new DedupIterator(it(a), it(b)));
        for (long target = -1; target <= 610_000; target += 7_000) {
            DedupIterator d = new DedupIterator(it(a), it(b));
            long want = -1;
            for (long t : all) {
                if (t >= target) {
                    want = t;
                    break;
                }
            }
            if (want < 0) {
                assertFalse(d.seek(target), "seek " + target);
            } else {
                assertTrue(d.seek(target), "seek " + target);
                assertEquals(want, d.atT(), "seek " + target);
                assertEquals(want, (long) d.atV());
                assertTrue(d.seek(target - 1), "seek never goes backwards");
                assertEquals(want, d.atT());
            }
        }
    }

    @Test
    void next_threeReplicasNested_fillEachOthersGaps() {
        long[] a = MemStore.grid(0, 900_000, STEP, 100_000, 400_000);
        long[] b = Arrays.stream(MemStore.grid(0, 900_000, STEP, 0, 300_000)).map(t -> t + 1_000).toArray();
        long[] c = Arrays.stream(MemStore.grid(0, 900_000, STEP, 500_000, 900_000)).map(t -> t + 2_000).toArray();
        ChunkIterator d = new DedupIterator(new DedupIterator(it(a), it(b)), it(c));
        long[] got = Samples.times(d);
        assertTrue(Samples.strictlyIncreasing(got));
        assertTrue(Samples.maxDelta(got) <= 3 * STEP, "largest gap " + Samples.maxDelta(got));
        assertTrue(got.length >= 55 && got.length <= 61, "sample count " + got.length);
    }
}
