package dev.cairn.tsdb.index;

import java.util.List;

/**
 * Series refs present in every input. Leapfrog: each input in turn seeks to the largest ref seen
 * so far until all agree, so the cost follows the shortest input, not the longest.
 */
public final class IntersectPostings implements Postings {
    private final Postings[] its;
    private long cur;
    private boolean done;

    private IntersectPostings(Postings[] its) {
        this.its = its;
    }

    /** The intersection; {@link Postings#EMPTY} for no inputs or when an input is EMPTY, as in Prometheus. */
    public static Postings of(List<Postings> its) {
        if (its.isEmpty()) {
            return Postings.EMPTY;
        }
        for (Postings p : its) {
            if (p == Postings.EMPTY) {
                return Postings.EMPTY;
            }
        }
        if (its.size() == 1) {
            return its.get(0);
        }
        return new IntersectPostings(its.toArray(new Postings[0]));
    }

    public static Postings of(Postings... its) {
        return of(List.of(its));
    }

    @Override
    public boolean next() {
        if (done || !its[0].next()) {
            done = true;
            return false;
        }
        return align(its[0].at());
    }

    @Override
    public boolean seek(long v) {
        if (done || !its[0].seek(v)) {
            done = true;
            return false;
        }
        return align(its[0].at());
    }

    /** Input 0 sits at {@code target}; moves the others until all sit on one ref. */
    private boolean align(long target) {
        int agree = 1;
        int k = 1;
        int n = its.length;
        while (true) {
            Postings p = its[k];
            if (!p.seek(target)) {
                done = true;
                return false;
            }
            long a = p.at();
            if (a == target) {
                if (++agree == n) {
                    cur = target;
                    return true;
                }
            } else {
                target = a;
                agree = 1;
            }
            k = k + 1 == n ? 0 : k + 1;
        }
    }

    @Override
    public long at() {
        return cur;
    }
}
