package dev.cairn.tsdb.storage;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;

/** One series of a {@link SeriesSet}: its labels and its samples in time order. */
public interface Series {
    Labels labels();

    /** Samples in timestamp order, without duplicates; {@code reuse} may be reset and returned. */
    ChunkIterator iterator(ChunkIterator reuse);
}
