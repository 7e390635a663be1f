package dev.cairn.appliance.store;

import dev.cairn.tsdb.block.Ulid;

import java.util.Map;
import java.util.SortedMap;

/**
 * The store gateway's state at one moment, for the status UI's store page: what the last sync found, how
 * much of the bucket is in memory, and what is left out and why.
 *
 * @param blocksByResolution served blocks per downsampling resolution in ms (0 = raw)
 * @param indexHeadersLoaded served blocks whose index header is in memory
 * @param lastSyncMs         end of the last successful sync (0: none yet)
 * @param lastSyncError      why the last sync failed, or null when it succeeded (or none ran)
 * @param lastSyncErrorMs    when that failure happened (0: never failed)
 * @param corrupt            blocks left out as damaged, with the reason (meta.json, index or chunks)
 */
public record StoreStatus(SortedMap<Long, Integer> blocksByResolution, int indexHeadersLoaded,
                          int markedForDeletion, int duplicates,
                          long cacheBytes, long cacheMaxBytes, long cacheHits, long cacheMisses, long cacheEvictions,
                          long syncs, long syncFailures, long lastSyncMs, String lastSyncError, long lastSyncErrorMs,
                          Map<Ulid, String> corrupt) {
}
