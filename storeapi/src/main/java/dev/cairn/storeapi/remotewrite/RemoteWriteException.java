package dev.cairn.storeapi.remotewrite;

/**
 * A request we cannot take as a whole, with the HTTP status to answer: 400 (malformed: the sender
 * must not retry), 413 (too large), 415 (content type or encoding we do not speak). The message is
 * sent to the client as the response body, so it says what was wrong and with which value.
 */
public final class RemoteWriteException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    public RemoteWriteException(int status, String message) {
        super(message);
        this.status = status;
    }

    public RemoteWriteException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status code to answer with. */
    public int status() {
        return status;
    }
}
