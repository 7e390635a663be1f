package dev.cairn.appliance.web;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routes other parts of the appliance add to a port (the PKI's enrollment, the agent registry's heartbeat,
 * block upload) without the {@link Router} knowing them. An exact path wins over a prefix; among prefixes the
 * longest wins. Routes may be added while the server runs (thread-safe; lookups take no lock).
 */
public final class Routes {
    private record Entry(String method, String path, boolean prefix, Route route) {
    }

    private record Upload(String method, String prefix, UploadRoute route) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<Upload> uploads = new CopyOnWriteArrayList<>();

    /** Serves {@code method} (e.g. "POST") on exactly {@code path}. */
    public Routes add(String method, String path, Route route) {
        return put(method, path, false, route);
    }

    /** Serves {@code method} on every path starting with {@code prefix} (e.g. "/api/v1/agents/blocks/"). */
    public Routes addPrefix(String method, String prefix, Route route) {
        return put(method, prefix, true, route);
    }

    private Routes put(String method, String path, boolean prefix, Route route) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("route path " + path + " must start with /");
        }
        String m = method.toUpperCase(Locale.ROOT);
        for (Entry e : entries) {
            if (e.method.equals(m) && e.path.equals(path) && e.prefix == prefix) {
                throw new IllegalStateException(m + " " + path + " is already routed");
            }
        }
        entries.add(new Entry(m, path, prefix, route));
        return this;
    }

    /**
     * Serves {@code method} on every path under {@code prefix} with a body streamed to a file
     * ({@link UploadRoute}: block files can be hundreds of MiB) instead of held in memory.
     */
    public Routes addUpload(String method, String prefix, UploadRoute route) {
        uploads.add(new Upload(method.toUpperCase(Locale.ROOT), prefix, route));
        return this;
    }

    /** The upload route for the request, or null: the {@code UploadSpooler} asks before the body is read. */
    UploadRoute upload(String method, String path) {
        for (Upload u : uploads) {
            if (u.method.equalsIgnoreCase(method) && path.startsWith(u.prefix)) {
                return u.route;
            }
        }
        return null;
    }

    /** The whole-body route for {@code method} and {@code path}, or null (tests and tools). */
    public Route route(String method, String path) {
        return find(method, path) instanceof Found f ? f.route() : null;
    }

    /** What a lookup found. */
    public sealed interface Match {
    }

    /** A route for the path and method. */
    public record Found(Route route) implements Match {
    }

    /** Routes exist for the path, none for the method: 405 with {@code allow}. */
    public record WrongMethod(String allow) implements Match {
    }

    /** Nothing registered for the path. */
    public record NotFound() implements Match {
    }

    /** The route for {@code method} and {@code path}. */
    public Match find(String method, String path) {
        Entry best = null;
        StringBuilder allow = new StringBuilder();
        for (Entry e : entries) {
            if (!(e.prefix ? path.startsWith(e.path) : path.equals(e.path))) {
                continue;
            }
            if (!e.method.equalsIgnoreCase(method)) {
                if (allow.indexOf(e.method) < 0) {
                    allow.append(allow.length() == 0 ? "" : ", ").append(e.method);
                }
                continue;
            }
            if (best == null || (best.prefix && (!e.prefix || e.path.length() > best.path.length()))) {
                best = e;
            }
        }
        if (best != null) {
            return new Found(best.route);
        }
        return allow.length() > 0 ? new WrongMethod(allow.toString()) : new NotFound();
    }
}
