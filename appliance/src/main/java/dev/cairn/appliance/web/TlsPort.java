package dev.cairn.appliance.web;

import io.netty.handler.ssl.SslContext;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How a port speaks TLS: the server context for each new connection (a supplier, so a renewed server certificate
 * is used without a restart), the per-request judge of client certificates, and the paths that need none.
 *
 * @param context   the server context; built with client auth OPTIONAL, so clients without a certificate get in
 *                  and {@code openPaths} decide what they may do
 * @param verifier  names and accepts or refuses the client's certificate on each request
 * @param openPaths exact paths served without a client certificate; every other path answers 401 without one
 *                  and 403 with a refused one
 */
public record TlsPort(Supplier<SslContext> context, ClientVerifier verifier, Set<String> openPaths) {
    public TlsPort {
        openPaths = Set.copyOf(openPaths);
    }
}
