package dev.cairn.agent.sidecar;

/**
 * The sidecar or the shipper cannot run against this Prometheus as configured; the message says what
 * is wrong and what to change. Not retried: the agent refuses to start the part.
 */
public final class SidecarException extends Exception {
    public SidecarException(String message) {
        super(message);
    }

    public SidecarException(String message, Throwable cause) {
        super(message, cause);
    }
}
