package dev.cairn.appliance.api;

import java.nio.charset.StandardCharsets;

/**
 * What the API answers: an HTTP status and a JSON body, in Prometheus's envelope
 * ({@code {"status":"success","data":...}} or {@code {"status":"error","errorType":...,"error":...}}).
 */
public record ApiResponse(int status, byte[] body) {
    public static final String CONTENT_TYPE = "application/json";

    static ApiResponse success(String dataJson) {
        StringBuilder sb = new StringBuilder(dataJson.length() + 32);
        sb.append("{\"status\":\"success\",\"data\":").append(dataJson).append('}');
        return new ApiResponse(200, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ApiResponse error(ApiError e) {
        StringBuilder sb = new StringBuilder(64);
        sb.append("{\"status\":\"error\",\"errorType\":");
        Json.string(sb, e.type());
        sb.append(",\"error\":");
        Json.string(sb, e.getMessage());
        sb.append('}');
        return new ApiResponse(e.status(), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * This answer with Prometheus's {@code "warnings"} beside {@code "data"} (a success only; an error or an
     * answer without warnings is returned as it is).
     */
    ApiResponse withWarnings(java.util.List<String> warnings) {
        if (warnings.isEmpty() || status != 200 || body.length == 0 || body[body.length - 1] != '}'
                || !bodyText().startsWith("{\"status\":\"success\"")) {
            return this;
        }
        String text = bodyText();
        StringBuilder sb = new StringBuilder(body.length + 64 * warnings.size());
        sb.append(text, 0, text.length() - 1).append(",\"warnings\":[");
        for (int i = 0; i < warnings.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Json.string(sb, warnings.get(i));
        }
        sb.append("]}");
        return new ApiResponse(status, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
