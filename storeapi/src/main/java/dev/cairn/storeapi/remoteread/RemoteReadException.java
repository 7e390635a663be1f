package dev.cairn.storeapi.remoteread;

import java.io.IOException;

/** A remote read answer that cannot be used: error status, wrong type, damaged stream (with byte offset). */
public final class RemoteReadException extends IOException {
    private static final long serialVersionUID = 1L;

    public RemoteReadException(String message) {
        super(message);
    }

    public RemoteReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
