package dev.cairn.storeapi.pki;

/** A certificate, key or request that cannot be used, with what is wrong and what to do. */
public final class PkiException extends Exception {
    private static final long serialVersionUID = 1L;

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
