package dev.cairn.agent.report;

import java.util.Map;

/**
 * What one heartbeat reports, gathered from the running parts at send time (PROTOCOL.md field names in
 * brackets). Times are epoch milliseconds, 0 for "none".
 *
 * @param storeAddress           [store_address] the sidecar's StoreAPI as the appliance should dial it; "" without sidecar
 * @param queueBytes             [queue_bytes] the relay's disk queue
 * @param oldestUnsentAgeSeconds [oldest_unsent_age_seconds] the relay's oldest undelivered sample
 * @param lastShippedBlock       [last_shipped_block] ULID or ""
 * @param lastShippedMs          [last_shipped_time]
 * @param certificateNotAfterMs  [certificate_not_after]
 */
public record AgentStatus(Map<String, String> externalLabels, String storeAddress, long queueBytes,
                          double oldestUnsentAgeSeconds, String lastShippedBlock, long lastShippedMs,
                          long certificateNotAfterMs) {
}
