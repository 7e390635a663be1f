package dev.cairn.tsdb.chunk;

/**
 * Walks the samples of a chunk (or of a series) in timestamp order, without allocating per sample.
 *
 * <p>Protocol, as Prometheus's chunkenc.Iterator: call {@link #next()} until it returns false; read
 * {@link #atT()} and {@link #atV()} only after a {@code true}. {@link #seek(long)} moves to the first
 * sample with timestamp ≥ t (never backwards) and returns whether one exists. Iterators are not
 * thread-safe; a {@code reuse} argument handed to a factory may be reset and returned.
 */
public interface ChunkIterator {
    boolean next();

    boolean seek(long t);

    long atT();

    double atV();

    /** An iterator with no samples. */
    ChunkIterator EMPTY = new ChunkIterator() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(long t) {
            return false;
        }

        @Override
        public long atT() {
            throw new IllegalStateException("empty iterator");
        }

        @Override
        public double atV() {
            throw new IllegalStateException("empty iterator");
        }
    };
}
