package dev.cairn.tsdb.head;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.block.ChunkCutter;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.cairn.tsdb.head.HeadTestSupport.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkCuttingTest {
    /** (samples, minT, maxT) of each chunk the head holds for {@code l}. */
    private static List<long[]> chunks(Head head, Labels l) {
        MemSeries s = head.series.get(l);
        ChunkList cl = new ChunkList();
        synchronized (s) {
            s.chunksOverlapping(Long.MIN_VALUE, Long.MAX_VALUE, cl, head.chunks);
        }
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < cl.size(); i++) {
            byte[] b = cl.chunk(i);
            out.add(new long[]{((b[0] & 0xFF) << 8) | (b[1] & 0xFF), cl.minTime(i), cl.maxTime(i)});
        }
        return out;
    }

    private static Head headWith(long chunkRange, Labels l, long[] ts) throws IOException {
        Head head = Head.inMemory(HeadOptions.defaults().withChunkRange(chunkRange));
        HeadAppender app = head.appender();
        for (int i = 0; i < ts.length; i++) {
            assertEquals(AppendResult.OK, app.append(l, ts[i], i));
            if (i % 100 == 99) {
                app.commit();
            }
        }
        app.commit();
        return head;
    }

    @Test
    void cut_regularScrapes_at120Samples() throws IOException {
        Labels l = series("m");
        long[] ts = new long[480 + 50];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i * 15_000L; // 15 s scrapes: a 2h range holds 480 samples
        }
        List<long[]> c = chunks(headWith(HeadOptions.DEFAULT_CHUNK_RANGE, l, ts), l);
        assertEquals(5, c.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(120, c.get(i)[0], "chunk " + i);
            assertEquals(i * 120 * 15_000L, c.get(i)[1]);
        }
        assertEquals(50, c.get(4)[0]);
        assertEquals(HeadOptions.DEFAULT_CHUNK_RANGE, c.get(4)[1], "the fifth chunk starts the next 2h range");
    }

    @Test
    void cut_atChunkRangeBoundary_beforeReaching120() throws IOException {
        Labels l = series("m");
        long[] ts = new long[30];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = 50 + i * 100L; // 10 samples per 1000 ms range
        }
        List<long[]> c = chunks(headWith(1000, l, ts), l);
        assertEquals(3, c.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(10, c.get(i)[0]);
            assertEquals(i * 1000L + 50, c.get(i)[1]);
            assertEquals(i * 1000L + 950, c.get(i)[2]);
        }
    }

    @Test
    void cut_rateIncrease_capsAtTwiceTheTarget() throws IOException {
        Labels l = series("m");
        long[] ts = new long[30 + 400];
        for (int i = 0; i < 30; i++) {
            ts[i] = i * 60_000L; // slow at first: the end time predicted at 30 samples is the range end
        }
        for (int i = 30; i < ts.length; i++) {
            ts[i] = ts[29] + (i - 29); // then one sample per ms
        }
        List<long[]> c = chunks(headWith(HeadOptions.DEFAULT_CHUNK_RANGE, l, ts), l);
        assertEquals(240, c.get(0)[0]);
        assertTrue(c.size() >= 2);
    }

    @Test
    void cut_randomSeries_sameChunksAsBlockChunkCutter() throws IOException {
        // ChunkCutter was checked byte for byte against promtool's backfill; the head must cut alike
        List<Samples> in = RandomSeries.generate(new Random(11),
                new RandomSeries.Spec(40, 900, 1_700_000_000_000L, false, true, false));
        long range = 3_600_000L;
        for (Samples s : in) {
            long[] ts = new long[s.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = s.t(i);
            }
            Head head = Head.inMemory(HeadOptions.defaults().withChunkRange(range));
            HeadAppender app = head.appender();
            for (int i = 0; i < s.size(); i++) {
                // one series alone never leaves the window: its samples are in order
                assertEquals(AppendResult.OK, app.append(s.labels(), s.t(i), s.v(i)));
            }
            app.commit();
            List<BlockChunk> expected = new ArrayList<>();
            ChunkCutter cutter = new ChunkCutter(range, expected::add);
            cutter.appendAll(s.iterator(null));
            cutter.finish();
            List<long[]> got = chunks(head, s.labels());
            assertEquals(expected.size(), got.size(), s.labels().toString());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i).minTime(), got.get(i)[1]);
                assertEquals(expected.get(i).maxTime(), got.get(i)[2]);
                assertEquals(expected.get(i).chunk().numSamples(), got.get(i)[0]);
            }
        }
    }

    @Test
    void computeChunkEndTime_matchesPrometheusArithmetic() {
        // start 0, 30 samples over 435 s, 2h range: 4 more chunks fit, each 30 min
        assertEquals(1_800_000L, MemSeries.computeChunkEndTime(0, 435_000, 7_200_000, 4));
        // fewer than one more chunk fits: the range end
        assertEquals(7_200_000L, MemSeries.computeChunkEndTime(0, 1_740_000, 7_200_000, 4));
        // Go's truncating division for negative times
        assertEquals(1000L, MemSeries.rangeForTimestamp(-1, 1000));
        assertEquals(0L, MemSeries.rangeForTimestamp(-1001, 1000));
        assertEquals(1000L, MemSeries.rangeForTimestamp(0, 1000));
    }
}
