package dev.cairn.appliance.compact;

/**
 * A run stopped for a reason the operator must look at (Thanos's "halt error"): the message says
 * what happened and what to do.
 */
public final class CompactorHaltedException extends Exception {
    public CompactorHaltedException(String message, Throwable cause) {
        super(message, cause);
    }

    public CompactorHaltedException(String message) {
        super(message);
    }
}
