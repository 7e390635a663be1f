package dev.cairn.tsdb.fs;

import java.io.Closeable;
import java.io.IOException;

/**
 * A file open for appending. Not thread-safe for writes: one writer appends; {@link #fsync()} may be
 * called from another thread concurrently with appends and covers at least every append that
 * returned before it was called.
 */
public interface AppendFile extends Closeable {

    /** Appends {@code len} bytes of {@code b} from {@code off}; all of them, or throws (maybe after a prefix). */
    void append(byte[] b, int off, int len) throws IOException;

    /** Forces appended bytes to stable storage. Throws {@link java.nio.channels.ClosedChannelException} once closed. */
    void fsync() throws IOException;

    /** Cuts the file to {@code size} bytes; later appends go after the new end. */
    void truncate(long size) throws IOException;

    /** The current length of the file in bytes. */
    long size() throws IOException;
}
