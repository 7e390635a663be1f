package dev.cairn.tsdb.wal;

import java.nio.file.Path;

/**
 * Segments {@code first..last} (inclusive) of the WAL or checkpoint in {@code dir}; -1 leaves that end open.
 */
public record SegmentRange(Path dir, int first, int last) {
    public static SegmentRange all(Path dir) {
        return new SegmentRange(dir, -1, -1);
    }

    boolean contains(int index) {
        return (first < 0 || index >= first) && (last < 0 || index <= last);
    }
}
