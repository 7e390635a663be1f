package dev.cairn.appliance.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.appliance.store.StoreStatus;
import dev.cairn.tsdb.block.Ulid;

import java.time.Instant;
import java.util.Map;

/**
 * The store page's JSON ({@code GET /api/v1/store}): the store gateway's {@link StoreStatus} with times as
 * RFC 3339 strings (null for never) and resolutions named as the blocks page names them (raw, 5m, 1h).
 * Without a store gateway: {@code {"enabled": false}}.
 */
final class StoreView {
    private StoreView() {
    }

    static ObjectNode json(StoreStatus s, ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        o.put("enabled", s != null);
        if (s == null) {
            return o;
        }
        ArrayNode res = o.putArray("blocksByResolution");
        int total = 0;
        for (Map.Entry<Long, Integer> e : s.blocksByResolution().entrySet()) {
            ObjectNode r = res.addObject();
            r.put("resolution", resolutionName(e.getKey()));
            r.put("resolutionMs", e.getKey());
            r.put("blocks", e.getValue());
            total += e.getValue();
        }
        o.put("blocks", total);
        o.put("indexHeadersLoaded", s.indexHeadersLoaded());
        o.put("markedForDeletion", s.markedForDeletion());
        o.put("duplicates", s.duplicates());
        ObjectNode cache = o.putObject("cache");
        cache.put("bytes", s.cacheBytes());
        cache.put("maxBytes", s.cacheMaxBytes());
        cache.put("hits", s.cacheHits());
        cache.put("misses", s.cacheMisses());
        cache.put("evictions", s.cacheEvictions());
        ObjectNode sync = o.putObject("sync");
        sync.put("syncs", s.syncs());
        sync.put("failures", s.syncFailures());
        time(sync, "lastSuccess", s.lastSyncMs());
        if (s.lastSyncError() == null) {
            sync.putNull("lastError");
        } else {
            sync.put("lastError", s.lastSyncError());
        }
        time(sync, "lastErrorTime", s.lastSyncErrorMs());
        ArrayNode corrupt = o.putArray("corrupt");
        for (Map.Entry<Ulid, String> e : s.corrupt().entrySet()) {
            ObjectNode c = corrupt.addObject();
            c.put("ulid", e.getKey().toString());
            c.put("reason", e.getValue());
        }
        return o;
    }

    private static void time(ObjectNode o, String field, long ms) {
        if (ms == 0) {
            o.putNull(field);
        } else {
            o.put(field, Instant.ofEpochMilli(ms).toString());
        }
    }

    /** 0 → raw, 300000 → 5m, 3600000 → 1h; anything else in ms. */
    static String resolutionName(long ms) {
        if (ms == 0) {
            return "raw";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms + "ms";
    }
}
