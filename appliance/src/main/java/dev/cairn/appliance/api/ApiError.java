package dev.cairn.appliance.api;

/**
 * An API call that fails, with Prometheus's errorType and the status it goes with:
 * bad_data 400, execution 422, timeout and canceled 503, not_found 404, internal 500.
 */
final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final int status;

    ApiError(String type, int status, String message) {
        super(message);
        this.type = type;
        this.status = status;
    }

    static ApiError badData(String message) {
        return new ApiError("bad_data", 400, message);
    }

    /** Prometheus's invalidParamError wording. */
    static ApiError invalidParam(String param, String message) {
        return badData("invalid parameter \"" + param + "\": " + message);
    }

    static ApiError ofEngine(String type, String message) {
        int status = switch (type) {
            case "bad_data" -> 400;
            case "execution" -> 422;
            case "timeout", "canceled" -> 503;
            default -> 500;
        };
        return new ApiError(type, status, message);
    }

    String type() {
        return type;
    }

    int status() {
        return status;
    }
}
