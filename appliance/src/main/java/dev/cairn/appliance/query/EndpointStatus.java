package dev.cairn.appliance.query;

/**
 * What the {@link EndpointSet} knows of one endpoint after its last info call.
 *
 * @param info       the last successful answer (null before the first one)
 * @param lastError  why the last info call failed (null when it succeeded or none ran yet)
 * @param lastCheckMs wall-clock time of the last info call (0 before the first)
 */
public record EndpointStatus(Endpoint endpoint, TlsSettings tls, boolean isStatic, boolean healthy,
                             EndpointInfo info, String lastError, long lastCheckMs) {
    public String name() {
        return endpoint.name();
    }

    EndpointStatus checked(EndpointInfo newInfo, long nowMs) {
        return new EndpointStatus(endpoint, tls, isStatic, true, newInfo, null, nowMs);
    }

    EndpointStatus failed(String error, long nowMs) {
        return new EndpointStatus(endpoint, tls, isStatic, false, info, error, nowMs);
    }
}
