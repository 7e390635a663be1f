package dev.cairn.appliance.query;

/**
 * An endpoint failed (error, timeout, unhealthy) while partial responses were disabled, so the query
 * cannot answer completely. The message names the endpoint and what failed.
 */
public final class EndpointException extends RuntimeException {
    private final String endpoint;

    public EndpointException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** The failing endpoint's name. */
    public String endpoint() {
        return endpoint;
    }
}
