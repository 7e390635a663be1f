package dev.cairn.appliance.pki;

import dev.cairn.appliance.web.ClientVerifier;
import java.security.cert.X509Certificate;

/**
 * The agents' port's judge of client certificates: the TLS layer has checked the chain against the CA and the
 * validity dates at the handshake; this refuses revoked certificates on every request (a connection opened before
 * the revocation is cut off at its next request), closes connections whose certificate expired while they
 * stayed open, and names the agent by the certificate's CN.
 */
final class AgentVerifier implements ClientVerifier {
    private final RevocationList crl;
    private final javax.security.auth.x500.X500Principal caSubject;

    /** @param ca this appliance's CA: its certificates are checked against its CRL */
    AgentVerifier(RevocationList crl, X509Certificate ca) {
        this.crl = crl;
        this.caSubject = ca.getSubjectX500Principal();
    }

    @Override
    public Verdict verify(X509Certificate[] chain) {
        if (chain.length == 0) {
            return Verdict.NONE;
        }
        X509Certificate leaf = chain[0];
        String cn = Hosts.commonName(leaf);
        // serials are unique per issuer only: certificates of an extra client CA (agents.client_ca_file, e.g.
        // Puppet's) are revoked at that CA, not here
        if (leaf.getIssuerX500Principal().equals(caSubject) && crl.isRevoked(leaf.getSerialNumber())) {
            return new Verdict(cn, "the client certificate of " + cn + " (serial " + leaf.getSerialNumber().toString(16)
                    + ") is revoked; the agent must enroll again with a new bootstrap token");
        }
        if (!leaf.getNotAfter().after(new java.util.Date())) {
            // checked at the handshake; this is a connection kept open past the certificate's end
            return new Verdict(cn, "the client certificate of " + cn + " expired at " + leaf.getNotAfter().toInstant(),
                    true);
        }
        if (cn.isEmpty()) {
            return new Verdict(null, "the client certificate " + leaf.getSubjectX500Principal()
                    + " has no CN, so it names no agent");
        }
        return new Verdict(cn, null);
    }
}
