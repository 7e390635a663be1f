package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.tsdb.labels.Labels;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemPostingsTest {
    @Test
    void add_outOfOrderAndRepeatedIds_keepsListsSortedAndUnique() {
        MemPostings m = new MemPostings();
        m.add(5, Labels.of("job", "a"));
        m.add(2, Labels.of("job", "a", "x", "1"));
        m.add(9, Labels.of("job", "b"));
        m.add(2, Labels.of("job", "a", "x", "1"));
        assertArrayEquals(new long[] {2, 5}, ListPostings.expand(m.postings("job", "a")));
        assertArrayEquals(new long[] {2, 5, 9}, ListPostings.expand(m.allPostings()));
        assertEquals(List.of("job", "x"), m.labelNames());
        assertEquals(List.of("a", "b"), m.labelValues("job"));
        assertEquals(3, m.size());
    }

    @Test
    void snapshot_isUnchangedByLaterAddsAndDeletes() {
        MemPostings m = new MemPostings();
        for (long id = 10; id < 20; id++) {
            m.add(id, Labels.of("job", "a"));
        }
        Postings before = m.postings("job", "a");
        m.add(3, Labels.of("job", "a"));
        m.add(30, Labels.of("job", "a"));
        m.delete(id -> id % 2 == 0);
        assertArrayEquals(new long[] {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, ListPostings.expand(before));
        assertArrayEquals(new long[] {3, 11, 13, 15, 17, 19}, ListPostings.expand(m.postings("job", "a")));
    }

    @Test
    void delete_lastSeriesOfAValue_removesValueAndName() {
        MemPostings m = new MemPostings();
        m.add(1, Labels.of("job", "a", "only", "x"));
        m.add(2, Labels.of("job", "b"));
        m.delete(id -> id == 1);
        assertEquals(List.of("job"), m.labelNames());
        assertEquals(List.of("b"), m.labelValues("job"));
        assertArrayEquals(new long[] {2}, ListPostings.expand(m.allPostings()));
    }

    @Test
    void concurrentAddsAndReads_readersSeeSortedLists() throws Exception {
        MemPostings m = new MemPostings();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = pool.submit(() -> {
                for (long id = 0; id < 20_000; id++) {
                    m.add(id % 7 == 0 ? id / 2 : id, Labels.of("job", "j" + (id % 3)));
                }
            });
            Future<Integer> reader = pool.submit(() -> {
                int checks = 0;
                while (!writer.isDone() && checks < 100_000) {
                    long[] refs = ListPostings.expand(m.postings("job", "j0", "j1"));
                    for (int i = 1; i < refs.length; i++) {
                        if (refs[i] <= refs[i - 1]) {
                            throw new AssertionError("unsorted at " + i);
                        }
                    }
                    checks++;
                }
                return checks;
            });
            writer.get(60, TimeUnit.SECONDS);
            assertTrue(reader.get(60, TimeUnit.SECONDS) > 0);
        } finally {
            pool.shutdownNow();
        }
    }
}
