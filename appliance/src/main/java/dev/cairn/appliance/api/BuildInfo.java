package dev.cairn.appliance.api;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The facts the status endpoints report: /status/buildinfo (version; Java in place of Go), /status/flags
 * (the effective configuration, flattened to strings as Prometheus shows its flags) and
 * /status/runtimeinfo (start time, working directory, retention).
 *
 * @param version   Cairn's version
 * @param flags     effective settings by name
 * @param startMs   process start, ms since the epoch
 * @param retention the local retention, as text
 */
public record BuildInfo(String version, Map<String, String> flags, long startMs, String retention) {
    public BuildInfo {
        flags = new TreeMap<>(flags);
    }

    String buildInfoJson() {
        StringBuilder sb = new StringBuilder(200).append('{');
        field(sb, "version", version).append(',');
        field(sb, "revision", "").append(',');
        field(sb, "branch", "").append(',');
        field(sb, "buildUser", "").append(',');
        field(sb, "buildDate", "").append(',');
        field(sb, "goVersion", "java" + Runtime.version());
        return sb.append('}').toString();
    }

    String flagsJson() {
        StringBuilder sb = new StringBuilder(256).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            field(sb, e.getKey(), e.getValue());
        }
        return sb.append('}').toString();
    }

    String runtimeInfoJson() {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "startTime", Instant.ofEpochMilli(startMs).toString()).append(',');
        field(sb, "CWD", System.getProperty("user.dir")).append(',');
        sb.append("\"reloadConfigSuccess\":true,");
        field(sb, "lastConfigTime", Instant.ofEpochMilli(startMs).toString()).append(',');
        sb.append("\"corruptionCount\":0,");
        sb.append("\"goroutineCount\":").append(Thread.activeCount()).append(',');
        sb.append("\"GOMAXPROCS\":").append(Runtime.getRuntime().availableProcessors()).append(',');
        field(sb, "GOGC", "").append(',');
        field(sb, "GODEBUG", "").append(',');
        field(sb, "storageRetention", retention);
        return sb.append('}').toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        Json.string(sb, name);
        sb.append(':');
        Json.string(sb, value);
        return sb;
    }
}
