package dev.cairn.appliance.web;

import java.io.IOException;

/**
 * A handler for requests with a whole body in memory (JSON APIs), mounted on the {@link Router} of the
 * HTTP port and of the agents' port through {@link Routes}. Runs on an HTTP worker thread and may block.
 * An {@link IOException} becomes a 500 with its message.
 */
@FunctionalInterface
public interface Route {
    WebResponse handle(WebRequest request) throws IOException;
}
