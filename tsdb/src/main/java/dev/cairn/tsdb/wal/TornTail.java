package dev.cairn.tsdb.wal;

import java.nio.file.Path;

/**
 * The end of the last segment holds an incomplete record, as a crash during a write leaves it.
 *
 * @param file    the segment
 * @param segment its index
 * @param offset  where the incomplete record starts: cutting the file here keeps every complete record
 * @param what    what the reader found there
 */
public record TornTail(Path file, int segment, long offset, String what) {
}
