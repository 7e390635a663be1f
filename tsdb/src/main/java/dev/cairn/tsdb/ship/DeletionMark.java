package dev.cairn.tsdb.ship;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code <ULID>/deletion-mark.json}: a block is to be deleted after a delay (so queriers that still
 * use it can finish), as Thanos's {@code metadata.DeletionMark}:
 * {@code {"id":"<ULID>","version":1,"details":"...","deletion_time":<unix seconds>}}, details omitted when empty.
 *
 * @param id           the block
 * @param deletionTime when it was marked, Unix <b>seconds</b>
 * @param details      why, for humans; may be empty
 */
public record DeletionMark(Ulid id, long deletionTime, String details) {
    public static final String FILENAME = "deletion-mark.json";
    public static final int VERSION_1 = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public DeletionMark {
        java.util.Objects.requireNonNull(id, "id");
        details = details == null ? "" : details;
    }

    /** Compact JSON in Go's field order (id, version, details, deletion_time). */
    public byte[] toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("id", id.toString());
        o.put("version", VERSION_1);
        if (!details.isEmpty()) {
            o.put("details", details);
        }
        o.put("deletion_time", deletionTime);
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: JSON of a tree", e);
        }
    }

    /**
     * Parses a deletion mark; {@code file} names it in errors.
     *
     * @throws CorruptionException when it is not JSON, lacks a field or has another version
     */
    public static DeletionMark parse(byte[] bytes, String file) {
        JsonNode n;
        try {
            n = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CorruptionException(file, -1, "deletion mark is not valid JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new CorruptionException(file, 0, "deletion mark is not a JSON object");
        }
        JsonNode version = n.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION_1) {
            throw new CorruptionException(file, -1, "deletion mark version " + version + ", only 1 is known");
        }
        JsonNode id = n.get("id");
        JsonNode time = n.get("deletion_time");
        if (id == null || !id.isTextual() || !Ulid.isValid(id.textValue())) {
            throw new CorruptionException(file, -1, "deletion mark field \"id\" is " + id + ", want a ULID");
        }
        if (time == null || !time.isIntegralNumber()) {
            throw new CorruptionException(file, -1, "deletion mark field \"deletion_time\" is " + time
                    + ", want Unix seconds");
        }
        JsonNode d = n.get("details");
        return new DeletionMark(Ulid.parse(id.textValue()), time.longValue(), d == null || !d.isTextual() ? "" : d.textValue());
    }
}
