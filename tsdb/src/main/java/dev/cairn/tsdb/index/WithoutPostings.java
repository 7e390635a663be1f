package dev.cairn.tsdb.index;

/** Refs of {@code full} that are not in {@code drop}; {@code drop} only ever seeks forward. */
public final class WithoutPostings implements Postings {
    private final Postings full;
    private final Postings drop;
    private boolean dropStarted;
    private boolean dropDone;
    private long dropAt;

    private WithoutPostings(Postings full, Postings drop) {
        this.full = full;
        this.drop = drop;
    }

    public static Postings of(Postings full, Postings drop) {
        if (full == Postings.EMPTY) {
            return Postings.EMPTY;
        }
        if (drop == Postings.EMPTY) {
            return full;
        }
        return new WithoutPostings(full, drop);
    }

    @Override
    public boolean next() {
        return full.next() && skipDropped();
    }

    @Override
    public boolean seek(long v) {
        return full.seek(v) && skipDropped();
    }

    private boolean skipDropped() {
        while (true) {
            long a = full.at();
            if (!dropDone && (!dropStarted || dropAt < a)) {
                dropStarted = true;
                if (drop.seek(a)) {
                    dropAt = drop.at();
                } else {
                    dropDone = true;
                }
            }
            if (dropDone || dropAt != a) {
                return true;
            }
            if (!full.next()) {
                return false;
            }
        }
    }

    @Override
    public long at() {
        return full.at();
    }
}
