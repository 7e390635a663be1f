package dev.cairn.tsdb.block;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * Prints a Jackson tree the way Go's {@code json.MarshalIndent(v, "", "\t")} does, so a meta.json
 * written by Cairn reads byte for byte like one written by Prometheus or Thanos: tab indentation,
 * {@code "key": value}, {@code {}} and {@code []} for empty containers, and Go's HTML-safe string
 * escapes ({@code <}, {@code >}, {@code &} as {@code \u003c}...).
 */
final class GoJson {
    private GoJson() {
    }

    static String print(JsonNode node) {
        StringBuilder sb = new StringBuilder(512);
        write(sb, node, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode n, int depth) {
        if (n.isObject()) {
            if (n.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                sb.append(first ? "\n" : ",\n");
                first = false;
                indent(sb, depth + 1);
                quote(sb, e.getKey());
                sb.append(": ");
                write(sb, e.getValue(), depth + 1);
            }
            sb.append('\n');
            indent(sb, depth);
            sb.append('}');
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                sb.append(i == 0 ? "\n" : ",\n");
                indent(sb, depth + 1);
                write(sb, n.get(i), depth + 1);
            }
            sb.append('\n');
            indent(sb, depth);
            sb.append(']');
        } else if (n.isTextual()) {
            quote(sb, n.textValue());
        } else if (n.isIntegralNumber()) {
            sb.append(n.bigIntegerValue());
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue());
        } else if (n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else {
            // Floats do not occur in meta.json; print Jackson's form rather than guess Go's.
            sb.append(n.toString());
        }
    }

    private static void indent(StringBuilder sb, int depth) {
        for (int i = 0; i < depth; i++) {
            sb.append('\t');
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15])
                                .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
