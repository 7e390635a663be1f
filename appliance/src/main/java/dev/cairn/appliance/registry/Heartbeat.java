package dev.cairn.appliance.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.appliance.web.WebResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One agent's report ({@code POST /api/v1/agents/heartbeat}, PROTOCOL.md): who it is, what it runs, how
 * far behind it is. Times are epoch milliseconds, 0 where the agent sent {@code ""}.
 */
public record Heartbeat(String agentId, String hostname, String version, String mode, Map<String, String> externalLabels,
                        String storeAddress, long queueBytes, double oldestUnsentAgeSeconds, String lastShippedBlock,
                        long lastShippedMs, long certificateNotAfterMs, long startedMs) {
    static final List<String> MODES = List.of("relay", "sidecar", "relay+sidecar");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses and checks a heartbeat body; the exception's message lists every problem. */
    static Heartbeat parse(byte[] body) throws IllegalArgumentException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with the heartbeat fields");
        }
        List<String> problems = new ArrayList<>();
        String id = text(n, "agent_id", true, problems);
        String mode = text(n, "mode", true, problems);
        if (mode != null && !MODES.contains(mode)) {
            problems.add("mode: expected one of " + MODES + ", got \"" + mode + "\"");
        }
        Map<String, String> labels = new TreeMap<>();
        JsonNode l = n.path("external_labels");
        if (l.isObject()) {
            l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        } else if (!l.isMissingNode() && !l.isNull()) {
            problems.add("external_labels: expected an object of label names to values");
        }
        String store = text(n, "store_address", false, problems);
        if (store != null && !store.isEmpty() && !validAddress(store)) {
            problems.add("store_address: expected HOST:PORT or \"\", got \"" + store + "\"");
        }
        Heartbeat hb = new Heartbeat(id, orEmpty(text(n, "hostname", false, problems)),
                orEmpty(text(n, "version", false, problems)), mode, labels, orEmpty(store),
                Math.max(0, n.path("queue_bytes").asLong(0)), Math.max(0, n.path("oldest_unsent_age_seconds").asDouble(0)),
                orEmpty(text(n, "last_shipped_block", false, problems)), time(n, "last_shipped_time", problems),
                time(n, "certificate_not_after", problems), time(n, "started", problems));
        if (id != null && (id.isBlank() || id.length() > 253)) {
            problems.add("agent_id: must be 1 to 253 characters");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return hb;
    }

    private static boolean validAddress(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            return port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String text(JsonNode n, String field, boolean required, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(field + ": required");
            }
            return null;
        }
        if (!v.isTextual()) {
            problems.add(field + ": expected a string");
            return null;
        }
        return v.asText();
    }

    private static long time(JsonNode n, String field, List<String> problems) {
        String s = text(n, field, false, problems);
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            problems.add(field + ": expected an RFC 3339 time like 2026-01-02T15:04:05Z or \"\", got \"" + s + "\"");
            return 0;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The same address with another host (to replace a wildcard the agent listens on). */
    Heartbeat withStoreAddress(String address) {
        return new Heartbeat(agentId, hostname, version, mode, externalLabels, address, queueBytes,
                oldestUnsentAgeSeconds, lastShippedBlock, lastShippedMs, certificateNotAfterMs, startedMs);
    }

    /** The heartbeat's fields as JSON members (without braces), as the agent sent them. */
    void writeFields(StringBuilder sb) {
        field(sb, "agent_id", agentId).append(',');
        field(sb, "hostname", hostname).append(',');
        field(sb, "version", version).append(',');
        field(sb, "mode", mode).append(',');
        sb.append("\"external_labels\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : externalLabels.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            field(sb, e.getKey(), e.getValue());
        }
        sb.append("},");
        field(sb, "store_address", storeAddress).append(',');
        sb.append("\"queue_bytes\":").append(queueBytes).append(',');
        sb.append("\"oldest_unsent_age_seconds\":").append(oldestUnsentAgeSeconds).append(',');
        field(sb, "last_shipped_block", lastShippedBlock).append(',');
        field(sb, "last_shipped_time", rfc3339(lastShippedMs)).append(',');
        field(sb, "certificate_not_after", rfc3339(certificateNotAfterMs)).append(',');
        field(sb, "started", rfc3339(startedMs));
    }

    static StringBuilder field(StringBuilder sb, String name, String value) {
        WebResponse.quote(sb, name);
        sb.append(':');
        WebResponse.quote(sb, value);
        return sb;
    }

    static String rfc3339(long ms) {
        return ms == 0 ? "" : Instant.ofEpochMilli(ms).toString();
    }
}
