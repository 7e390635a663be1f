package dev.cairn.appliance.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One HTTP request as a {@link Route} sees it, detached from Netty: the body is a copy.
 *
 * @param method   upper-case HTTP method
 * @param path     decoded path without the query string
 * @param headers  request headers, names lower-case (the last value of a repeated header)
 * @param body     the whole body (empty for a streamed upload, see {@link UploadRoute})
 * @param remote   the peer's address
 * @param clientId the common name of the client certificate verified by the TLS layer, or null on a
 *                 plain HTTP port or when the client sent none (the agents' port sets it)
 */
public record WebRequest(String method, String path, Map<String, String> headers, byte[] body,
                         InetSocketAddress remote, String clientId) {
    /** Whether the request came over the loopback interface (the plain port trusts only that for agents). */
    public boolean fromLoopback() {
        InetAddress a = remote == null ? null : remote.getAddress();
        return a != null && a.isLoopbackAddress();
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
