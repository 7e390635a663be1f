package dev.cairn.storeapi.store;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A StoreAPI call to a remote store failed: which endpoint, what was asked, and the gRPC status. */
public final class StoreApiException extends RuntimeException {
    private final Status.Code code;

    StoreApiException(String endpoint, String doing, StatusRuntimeException cause) {
        super(doing + " from StoreAPI " + endpoint + ": " + cause.getStatus().getCode()
                + (cause.getStatus().getDescription() == null ? "" : " (" + cause.getStatus().getDescription() + ")"),
                cause);
        this.code = cause.getStatus().getCode();
    }

    /** The gRPC status code, e.g. DEADLINE_EXCEEDED or UNAVAILABLE. */
    public Status.Code code() {
        return code;
    }
}
