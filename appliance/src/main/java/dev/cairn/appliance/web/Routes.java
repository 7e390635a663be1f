package dev.cairn.appliance.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Paths served beside the built-in ones (the status UI and its JSON, later parts' endpoints). The
 * {@link Router} asks every registered {@code Routes} in order before its own table, so a route may also
 * answer a path under {@code /api/v1/} that the Prometheus API does not know. Called on a worker thread;
 * implementations must be thread-safe and may block briefly.
 */
@FunctionalInterface
public interface Routes {
    /**
     * @param params the URL query and (POST form) body values
     * @return the answer, or null when {@code path} is not one of these routes
     */
    Response handle(String method, String path, Map<String, List<String>> params);

    /** A complete answer: status, {@code Content-Type} and body. */
    record Response(int status, String contentType, byte[] body) {
        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
