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
 */
public record HeadRestore(Path snapshot, long snapshotSeries, String snapshotFailure, long walRecords,
                          long walSamples, long millis) {
    public boolean fromSnapshot() {
        return snapshot != null;
    }
}
