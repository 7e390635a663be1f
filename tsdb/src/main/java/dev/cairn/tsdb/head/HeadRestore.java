package dev.cairn.tsdb.head;

import java.nio.file.Path;

/**
 * How {@link Head#open} rebuilt the head: from a snapshot written at the last clean shutdown plus
 * the WAL written after it, or from the whole WAL.
 *
 * @param snapshot        the snapshot loaded, or null when none was (none there, or it failed)
 * @param snapshotSeries  series loaded from it
 * @param snapshotFailure why a snapshot present could not be used (then the whole WAL was
 *                        replayed), or null
 * @param walRecords      WAL records replayed (only those after the snapshot when one was loaded)
 * @param walSamples      samples applied from them
 * @param millis          wall time of the whole restore
 * @param mmappedChunks   full chunks taken from {@code chunks_head/} instead of being re-created
 *                        from WAL samples (by the snapshot or the replay)
 * @param chunksRepaired  what was cut off a damaged {@code chunks_head/} (the WAL re-created it), or null
 */
public record HeadRestore(Path snapshot, long snapshotSeries, String snapshotFailure, long walRecords,
                          long walSamples, long millis, long mmappedChunks, String chunksRepaired) {
    public boolean fromSnapshot() {
        return snapshot != null;
    }
}
