package dev.cairn.appliance.sizing;

/** A sizing run could not read what it needs; the message is one sentence an operator can act on. */
public final class SizingException extends RuntimeException {
    public SizingException(String message) {
        super(message);
    }

    public SizingException(String message, Throwable cause) {
        super(message, cause);
    }
}
