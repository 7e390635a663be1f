package dev.cairn.appliance.web;

import java.nio.charset.StandardCharsets;

/**
 * What a {@link Route} answers.
 *
 * @param status      HTTP status
 * @param contentType Content-Type header; ignored for 204
 * @param body        the body (empty for 204)
 */
public record WebResponse(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json";

    public static WebResponse json(int status, String json) {
        return new WebResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    public static WebResponse text(int status, String text) {
        return new WebResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static WebResponse noContent() {
        return new WebResponse(204, "text/plain; charset=utf-8", new byte[0]);
    }

    /**
     * The Prometheus API's error shape, {@code {"status":"error","errorType":...,"error":...}}, which the agents'
     * endpoints use too: {@code error} says what was wrong and what to do.
     */
    public static WebResponse error(int status, String errorType, String error) {
        return json(status, "{\"status\":\"error\",\"errorType\":" + quote(errorType) + ",\"error\":" + quote(error)
                + "}");
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(StringBuilder sb, String s) {
        sb.append(quote(s));
    }

    /** A JSON string literal (RFC 8259 escapes). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
