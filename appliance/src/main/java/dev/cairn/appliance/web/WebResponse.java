package dev.cairn.appliance.web;

import java.nio.charset.StandardCharsets;

/** What a {@link Route} answers: status, content type and body. */
public record WebResponse(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json";

    /** 204 without a body. */
    public static WebResponse noContent() {
        return new WebResponse(204, "text/plain; charset=utf-8", new byte[0]);
    }

    public static WebResponse json(int status, String json) {
        return new WebResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Prometheus's error envelope {@code {"status":"error","errorType":...,"error":...}}; {@code message} says
     * what was wrong and what to do.
     */
    public static WebResponse error(int status, String errorType, String message) {
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("{\"status\":\"error\",\"errorType\":");
        quote(sb, errorType);
        sb.append(",\"error\":");
        quote(sb, message);
        sb.append('}');
        return json(status, sb.toString());
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void quote(StringBuilder sb, String s) {
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
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
