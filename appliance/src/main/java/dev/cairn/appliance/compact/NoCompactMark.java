package dev.cairn.appliance.compact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;

/**
 * {@code <ULID>/no-compact-mark.json}, Thanos's marker for a block the compactor must leave alone:
 * {@code {"id":"<ULID>","version":1,"details":"...","no_compact_time":<unix s>,"reason":"..."}}.
 * Thanos's own compactor and tools read it, and an operator removes it to let the block be compacted again.
 */
final class NoCompactMark {
    static final String FILENAME = "no-compact-mark.json";
    /** Thanos's reason for blocks whose index has out-of-order chunks; we use it for every corrupt block. */
    static final String REASON_CORRUPT = "block-index-out-of-order-chunk";
    private static final ObjectMapper JSON = new ObjectMapper();

    private NoCompactMark() {
    }

    static String object(Ulid id) {
        return id + "/" + FILENAME;
    }

    static void place(Bucket bucket, Ulid id, String reason, String details, Instant now) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id.toString());
        o.put("version", 1);
        if (!details.isEmpty()) {
            o.put("details", details);
        }
        o.put("no_compact_time", now.getEpochSecond());
        o.put("reason", reason);
        byte[] bytes = JSON.writeValueAsBytes(o);
        try {
            bucket.upload(object(id), new ByteArrayInputStream(bytes), bytes.length);
        } catch (IOException e) {
            throw new IOException("mark block " + id + " no-compact in bucket " + bucket.name() + ": " + e.getMessage(), e);
        }
    }
}
