package dev.cairn.appliance.promql;

/**
 * A query that could not be answered, with the error type of Prometheus's HTTP API and Prometheus's
 * own message text (so API clients and alert rules see the same words). Thrown deep inside the
 * evaluator and passed through {@link Engine} unchanged.
 */
public final class PromqlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The API's errorType values this engine can produce. */
    public enum Type {
        BAD_DATA("bad_data"), EXECUTION("execution"), TIMEOUT("timeout"), CANCELED("canceled");

        private final String apiName;

        Type(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    private final Type type;

    public PromqlException(Type type, String message) {
        super(message);
        this.type = type;
    }

    public PromqlException(Type type, String message, Throwable cause) {
        super(message, cause);
        this.type = type;
    }

    public Type type() {
        return type;
    }

    static PromqlException execution(String message) {
        return new PromqlException(Type.EXECUTION, message);
    }
}
