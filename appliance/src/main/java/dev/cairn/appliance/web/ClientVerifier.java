package dev.cairn.appliance.web;

import java.security.cert.X509Certificate;

/**
 * Judges the client certificate of a request on a TLS port, per request: the TLS layer has already checked that
 * the chain leads to the trusted CA and is within its validity; this adds what may change while a connection
 * stays open (revocation) and names the client. Thread-safe.
 */
@FunctionalInterface
public interface ClientVerifier {
    /**
     * @param chain the peer's chain, leaf first; empty when the client presented no certificate
     */
    Verdict verify(X509Certificate[] chain);

    /**
     * @param clientId   the client's id (certificate CN); null when there is none to give
     * @param refusal    why a presented certificate is not accepted (e.g. revoked); null when accepted or absent
     * @param disconnect refuse by closing the connection instead of answering 403: for a certificate that expired
     *                   while its connection stayed open, the client reconnects, fails the handshake and retries
     *                   later (keeping its data) rather than dropping data on a 4xx
     */
    record Verdict(String clientId, String refusal, boolean disconnect) {
        public static final Verdict NONE = new Verdict(null, null, false);

        public Verdict(String clientId, String refusal) {
            this(clientId, refusal, false);
        }
    }
}
