package dev.cairn.appliance.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Extra routes of a port, looked up by method and path prefix in the order they were added, before the
 * built-in ones (remote write, the Prometheus API, /metrics). One {@code Routes} can be shared by the
 * HTTP port and the agents' port, so a feature registers its routes once and both serve them. Mounts
 * may be added while serving. Thread-safe.
 */
public final class Routes {
    private record Mount(String method, String prefix, Route route, UploadRoute upload) {
        boolean matches(String m, String path) {
            // "/" itself is the root page, not a prefix of every path
            return method.equals(m) && (prefix.length() > 1 && prefix.endsWith("/") ? path.startsWith(prefix)
                    : path.equals(prefix));
        }
    }

    private final List<Mount> mounts = new CopyOnWriteArrayList<>();

    /**
     * Serves {@code method} requests whose path equals {@code path}, or starts with it when it ends in
     * {@code /} (the root path {@code /} is matched exactly), with a whole-body {@link Route}.
     */
    public Routes add(String method, String path, Route route) {
        mounts.add(new Mount(method, path, route, null));
        return this;
    }

    /** Like {@link #add} for bodies streamed to a file ({@link UploadRoute}). */
    public Routes addUpload(String method, String path, UploadRoute route) {
        mounts.add(new Mount(method, path, null, route));
        return this;
    }

    /** The whole-body route for the request, or null. */
    public Route route(String method, String path) {
        for (Mount m : mounts) {
            if (m.route != null && m.matches(method, path)) {
                return m.route;
            }
        }
        return null;
    }

    /** The upload route for the request, or null. */
    UploadRoute upload(String method, String path) {
        for (Mount m : mounts) {
            if (m.upload != null && m.matches(method, path)) {
                return m.upload;
            }
        }
        return null;
    }
}
