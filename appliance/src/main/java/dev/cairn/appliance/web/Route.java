package dev.cairn.appliance.web;

import java.io.IOException;

/**
 * A handler of one path (or path prefix) registered in {@link Routes}. Runs on the server's worker threads, so it
 * may block (disk, bucket); it must be thread-safe, as several connections call it at once.
 */
@FunctionalInterface
public interface Route {
    /**
     * Answers one request.
     *
     * @throws IOException answered as 500 with the message, for failures of this appliance (disk, bucket); faults
     *                     of the request are answered by the route itself with a 4xx
     */
    WebResponse handle(WebRequest request) throws IOException;
}
