package dev.cairn.tsdb.index;

/**
 * A sorted, de-duplicated iterator of series references (offsets/16 in an index v2 file, head ids
 * in memory), as Prometheus's index.Postings.
 *
 * <p>Protocol: {@link #next()} advances; {@link #seek(long)} advances to the first ref ≥ v (no-op
 * when already there) and returns whether one exists; {@link #at()} is valid after a {@code true}.
 * Not thread-safe.
 */
public interface Postings {
    boolean next();

    boolean seek(long v);

    long at();

    Postings EMPTY = new Postings() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(long v) {
            return false;
        }

        @Override
        public long at() {
            throw new IllegalStateException("empty postings");
        }
    };
}
