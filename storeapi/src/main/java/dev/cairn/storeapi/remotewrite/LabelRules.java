package dev.cairn.storeapi.remotewrite;

import dev.cairn.tsdb.labels.Labels;

/**
 * The label checks Prometheus 2.x applies to remote-written series (legacy name validation, as
 * 2.42 does): a metric name matching {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names matching
 * {@code [a-zA-Z_][a-zA-Z0-9_]*}, names sorted and unique. Values are any UTF-8 (protobuf already
 * refuses invalid UTF-8 in strings).
 */
final class LabelRules {
    private LabelRules() {
    }

    /** Why the flat {@code [name, value, ...]} array is not a valid series identity, or null when it is. */
    static String check(String[] kv, int len) {
        return check(kv, null, len);
    }

    /**
     * As {@link #check(String[], int)}, with the {@link LabelStringCache} facts of each string
     * already known ({@code facts[i]} for {@code kv[i]}); null to work them out here.
     */
    static String check(String[] kv, byte[] facts, int len) {
        boolean hasName = false;
        for (int i = 0; i < len; i += 2) {
            String name = kv[i];
            boolean validName = facts != null ? (facts[i] & LabelStringCache.LABEL_NAME) != 0 : isValidLabelName(name);
            if (!validName) {
                return "invalid label name " + Labels.quoted(name);
            }
            if (i > 0) {
                int c = kv[i - 2].compareTo(name);
                if (c == 0) {
                    return "duplicate label name " + Labels.quoted(name);
                }
                if (c > 0) {
                    return "labels not sorted by name: " + Labels.quoted(kv[i - 2]) + " before " + Labels.quoted(name);
                }
            }
            if (name.equals(Labels.METRIC_NAME)) {
                boolean validMetric = facts != null ? (facts[i + 1] & LabelStringCache.METRIC_NAME) != 0
                        : isValidMetricName(kv[i + 1]);
                if (!validMetric) {
                    return "invalid metric name " + Labels.quoted(kv[i + 1]);
                }
                hasName = true;
            }
        }
        return hasName ? null : "no metric name (label " + Labels.METRIC_NAME + ")";
    }

    static boolean isValidLabelName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isValidMetricName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Labels.toString of a flat array that may not be sorted, for error messages. */
    static String describe(String[] kv, int len) {
        StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < len; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(kv[i]).append('=');
            Labels.appendQuoted(sb, kv[i + 1]);
            if (sb.length() > 512) {
                return sb.append(", ...}").toString();
            }
        }
        return sb.append('}').toString();
    }
}
