package dev.cairn.appliance.ui;

import dev.cairn.appliance.web.WebResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The UI's files, read once from the classpath ({@code dev/cairn/appliance/ui/static/}): plain HTML, CSS
 * and JavaScript, no build step, nothing fetched from outside the appliance. Only the names listed here
 * are served, so no request path can reach another resource.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "graph.js", "text/javascript; charset=utf-8",
            "blocks.js", "text/javascript; charset=utf-8",
            "store.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    private final Map<String, WebResponse> files;

    StaticFiles() {
        Map<String, WebResponse> m = new java.util.HashMap<>();
        TYPES.forEach((name, type) -> m.put(name, new WebResponse(200, type, read(name))));
        files = Map.copyOf(m);
    }

    /** The file named {@code name} (no directories), or null when there is none. */
    WebResponse get(String name) {
        return files.get(name);
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("UI file static/" + name + " is missing from the jar; rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("read UI file static/" + name, e);
        }
    }
}
