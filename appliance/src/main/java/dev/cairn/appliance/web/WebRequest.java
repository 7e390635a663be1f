package dev.cairn.appliance.web;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a {@link Route} sees it: fully read (the port's aggregator bounds its size).
 *
 * @param method   upper-case HTTP method
 * @param path     the path, without the query string
 * @param params   URL query parameters
 * @param headers  the request headers
 * @param body     the request body (empty when none)
 * @param remote   the peer's address (loopback checks)
 * @param clientId on the agents' port: the CN of the client certificate, verified against the appliance CA and
 *                 not revoked (the agent id); null when the client presented none, and always null on the plain
 *                 HTTP port
 * @param clientCertificate the accepted client certificate itself (null exactly when {@code clientId} is)
 */
public record WebRequest(String method, String path, Map<String, List<String>> params, HttpHeaders headers,
                         byte[] body, InetSocketAddress remote, String clientId,
                         X509Certificate clientCertificate) {

    /** The first value of query parameter {@code name}, or null. */
    public String param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The header's value (names are case-insensitive), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** Whether the request came from this machine (127.0.0.0/8 or ::1). */
    public boolean fromLoopback() {
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
