package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Property tests: every postings operation against a TreeSet model, with random next/seek walks. */
class PostingsOpsTest {
    private static TreeSet<Long> randomSet(Random rnd) {
        TreeSet<Long> s = new TreeSet<>();
        int n = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(300);
        long range = 1 + rnd.nextInt(rnd.nextBoolean() ? 400 : 100_000);
        for (int i = 0; i < n; i++) {
            s.add((long) rnd.nextInt((int) range));
        }
        return s;
    }

    private static long[] arr(NavigableSet<Long> s) {
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /** Postings over the set, as a list or as big-endian bytes like an index file holds. */
    private static Postings postings(NavigableSet<Long> s, Random rnd) {
        long[] a = arr(s);
        if (rnd.nextBoolean()) {
            return new ListPostings(a);
        }
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * a.length);
        b.putInt(0).putInt(0);
        for (long v : a) {
            b.putInt((int) v);
        }
        return new BigEndianPostings(b, 8, a.length);
    }

    /** Walks {@code p} with random next and seek calls, checking each answer against {@code model}. */
    private static void assertWalk(NavigableSet<Long> model, Postings p, Random rnd) {
        Long cur = null;
        for (int step = 0; step < 1000; step++) {
            boolean seek = rnd.nextInt(3) == 0;
            Long want;
            boolean got;
            if (seek) {
                long base = cur == null ? 0 : cur;
                long v = base - 5 + rnd.nextInt(rnd.nextBoolean() ? 20 : 5000);
                got = p.seek(v);
                want = cur != null && cur >= v ? cur : model.ceiling(cur == null ? v : Math.max(v, cur));
            } else {
                got = p.next();
                want = cur == null ? (model.isEmpty() ? null : model.first()) : model.higher(cur);
            }
            assertEquals(want != null, got, (seek ? "seek" : "next") + " after " + cur);
            if (want == null) {
                assertFalse(p.next());
                assertFalse(p.seek(Long.MIN_VALUE));
                return;
            }
            assertEquals(want.longValue(), p.at());
            cur = want;
        }
    }

    private static void check(Random rnd, int inputs, Function<List<TreeSet<Long>>, TreeSet<Long>> model,
                              Function<List<Postings>, Postings> op) {
        List<TreeSet<Long>> sets = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            sets.add(randomSet(rnd));
        }
        TreeSet<Long> want = model.apply(sets);
        List<Postings> ps = new ArrayList<>();
        sets.forEach(s -> ps.add(postings(s, rnd)));
        assertArrayEquals(arr(want), ListPostings.expand(op.apply(ps)));
        List<Postings> ps2 = new ArrayList<>();
        sets.forEach(s -> ps2.add(postings(s, rnd)));
        assertWalk(want, op.apply(ps2), rnd);
    }

    @Test
    void listAndBigEndian_nextAndSeek_followTheModel() {
        Random rnd = new Random(1);
        for (int i = 0; i < 500; i++) {
            check(rnd, 1, sets -> sets.get(0), ps -> ps.get(0));
        }
    }

    @Test
    void intersect_matchesSetIntersection() {
        Random rnd = new Random(2);
        for (int i = 0; i < 500; i++) {
            int k = 1 + rnd.nextInt(5);
            check(rnd, k, sets -> {
                TreeSet<Long> r = new TreeSet<>(sets.get(0));
                sets.forEach(r::retainAll);
                return r;
            }, IntersectPostings::of);
        }
    }

    @Test
    void merge_matchesSetUnion() {
        Random rnd = new Random(3);
        for (int i = 0; i < 500; i++) {
            int k = 1 + rnd.nextInt(8);
            check(rnd, k, sets -> {
                TreeSet<Long> r = new TreeSet<>();
                sets.forEach(r::addAll);
                return r;
            }, MergedPostings::of);
        }
    }

    @Test
    void without_matchesSetDifference() {
        Random rnd = new Random(4);
        for (int i = 0; i < 500; i++) {
            check(rnd, 2, sets -> {
                TreeSet<Long> r = new TreeSet<>(sets.get(0));
                r.removeAll(sets.get(1));
                return r;
            }, ps -> WithoutPostings.of(ps.get(0), ps.get(1)));
        }
    }

    @Test
    void nested_intersectOfMergesWithout_matchesModel() {
        Random rnd = new Random(5);
        for (int i = 0; i < 300; i++) {
            check(rnd, 5, sets -> {
                TreeSet<Long> a = new TreeSet<>(sets.get(0));
                a.addAll(sets.get(1));
                TreeSet<Long> b = new TreeSet<>(sets.get(2));
                b.addAll(sets.get(3));
                a.retainAll(b);
                a.removeAll(sets.get(4));
                return a;
            }, ps -> WithoutPostings.of(IntersectPostings.of(MergedPostings.of(ps.get(0), ps.get(1)),
                    MergedPostings.of(ps.get(2), ps.get(3))), ps.get(4)));
        }
    }

    @Test
    void emptyInputs_followPrometheus() {
        assertSame(Postings.EMPTY, IntersectPostings.of(List.of()));
        assertSame(Postings.EMPTY, IntersectPostings.of(new ListPostings(1, 2), Postings.EMPTY));
        assertSame(Postings.EMPTY, MergedPostings.of(List.of()));
        assertSame(Postings.EMPTY, WithoutPostings.of(Postings.EMPTY, new ListPostings(1)));
        assertArrayEquals(new long[] {1, 2}, ListPostings.expand(WithoutPostings.of(new ListPostings(1, 2), Postings.EMPTY)));
    }

    @Test
    void bigEndianPostings_refsAboveSignedIntRange_staysUnsigned() {
        ByteBuffer b = ByteBuffer.allocate(8).putInt(0x7FFFFFFF).putInt(0xFFFFFFF0);
        Postings p = new BigEndianPostings(b, 0, 2);
        assertEquals(true, p.seek(0x80000000L));
        assertEquals(0xFFFFFFF0L, p.at());
    }
}
