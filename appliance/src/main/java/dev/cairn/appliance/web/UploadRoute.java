package dev.cairn.appliance.web;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A handler for request bodies too large to hold in memory (block files can be hundreds of MiB): the
 * server spools the body to a temporary file and hands over the file. Mounted through {@link Routes}.
 * Both methods run on an HTTP worker thread and may block.
 */
public interface UploadRoute {
    /**
     * Decides from the headers alone (the body is empty here) whether to accept the upload: null accepts,
     * a response refuses it (the body is then read and discarded).
     */
    WebResponse check(WebRequest head);

    /** Handles the complete body in {@code body}, which the server deletes after this returns. */
    WebResponse complete(WebRequest head, Path body) throws IOException;
}
