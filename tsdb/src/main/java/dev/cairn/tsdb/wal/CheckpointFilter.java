package dev.cairn.tsdb.wal;

import java.nio.ByteBuffer;

/**
 * Decides what of a record a checkpoint keeps. The head keeps series still alive and samples
 * newer than the truncation time; the relay's queue keeps what was not yet forwarded.
 */
@FunctionalInterface
public interface CheckpointFilter {
    /** Keeps every record unchanged. */
    CheckpointFilter KEEP_ALL = r -> r;

    /**
     * @param record one record, from position 0 to limit; valid only during the call
     * @return the record to write (the argument, or a rewritten record with part of it dropped),
     *         or null to drop it
     */
    ByteBuffer filter(ByteBuffer record);
}
