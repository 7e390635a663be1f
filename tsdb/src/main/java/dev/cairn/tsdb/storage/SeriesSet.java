package dev.cairn.tsdb.storage;

/**
 * Series sorted by labels (Labels.compareTo), each once. Protocol: {@code next()} then {@code at()}.
 * Not thread-safe. The series returned by {@link #at()} stays valid after {@code next()}.
 */
public interface SeriesSet {
    boolean next();

    Series at();
}
