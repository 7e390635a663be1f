package dev.cairn.storeapi.remotewrite;

/**
 * A sink refuses data that will never become acceptable (out of order, too old, duplicate sample
 * with another value). Answered 400 so Prometheus drops the batch instead of retrying it forever.
 */
public final class WriteRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public WriteRejectedException(String message) {
        super(message);
    }
}
