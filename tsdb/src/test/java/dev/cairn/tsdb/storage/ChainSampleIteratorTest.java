package dev.cairn.tsdb.storage;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChainSampleIteratorTest {
    private static final Labels L = Labels.of("__name__", "m");

    private static Samples s(long... tv) {
        Samples s = new Samples(L);
        for (int i = 0; i < tv.length; i += 2) {
            s.add(tv[i], tv[i + 1]);
        }
        return s;
    }

    @Test
    void next_overlappingInputs_mergesByTimeAndKeepsFirstOnTies() {
        ChainSampleIterator it = new ChainSampleIterator(s(1, 10, 3, 30, 5, 50).iterator(null),
                s(2, 200, 3, 300, 6, 600).iterator(null), s(3, 3000).iterator(null));
        assertEquals(s(1, 10, 2, 200, 3, 30, 5, 50, 6, 600), Samples.drain(L, it));
        assertFalse(it.next());
    }

    @Test
    void randomInputs_matchReferenceMerge() {
        Random r = new Random(3);
        for (int round = 0; round < 200; round++) {
            int k = 1 + r.nextInt(4);
            TreeMap<Long, Double> want = new TreeMap<>();
            List<ChunkIterator> its = new ArrayList<>();
            List<Samples> inputs = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Samples in = new Samples(L);
                long t = r.nextInt(20) - 10;
                for (int j = r.nextInt(30); j > 0; j--) {
                    t += 1 + r.nextInt(5);
                    in.add(t, i * 1000 + j);
                    want.putIfAbsent(t, (double) (i * 1000 + j));
                }
                inputs.add(in);
                its.add(in.iterator(null));
            }
            Samples expected = new Samples(L);
            want.forEach(expected::add);
            assertEquals(expected, Samples.drain(L, new ChainSampleIterator(its.toArray(new ChunkIterator[0]))));

            // seek to random points agrees with the reference
            long target = r.nextInt(100) - 10;
            ChunkIterator[] again = inputs.stream().map(x -> x.iterator(null)).toArray(ChunkIterator[]::new);
            ChainSampleIterator it = new ChainSampleIterator(again);
            Long ceil = want.ceilingKey(target);
            assertEquals(ceil != null, it.seek(target));
            if (ceil != null) {
                assertEquals((long) ceil, it.atT());
                assertEquals(want.get(ceil), it.atV());
                assertTrue(it.seek(target - 5), "seek never goes backwards");
                assertEquals((long) ceil, it.atT());
                Long higher = want.higherKey(ceil);
                assertEquals(higher != null, it.next());
                if (higher != null) {
                    assertEquals((long) higher, it.atT());
                }
            }
        }
    }

    @Test
    void mergeSeriesSet_equalLabelsInTwoSets_becomeOneSeries() {
        Labels a = Labels.of("__name__", "a");
        Labels b = Labels.of("__name__", "b");
        Labels c = Labels.of("__name__", "c");
        SeriesSet one = Samples.setOf(List.of(new Samples(a).add(1, 1), new Samples(c).add(5, 5)));
        SeriesSet two = Samples.setOf(List.of(new Samples(b).add(2, 2), new Samples(c).add(4, 4).add(5, 9)));
        List<Samples> got = Samples.drain(new MergeSeriesSet(List.of(one, two)));
        assertEquals(List.of(new Samples(a).add(1, 1), new Samples(b).add(2, 2), new Samples(c).add(4, 4).add(5, 5)), got);
    }
}
