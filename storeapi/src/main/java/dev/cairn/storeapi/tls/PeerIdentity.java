package dev.cairn.storeapi.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Who is on the other end of a mutual-TLS connection: the common name of its verified certificate. */
public final class PeerIdentity {
    private PeerIdentity() {
    }

    /**
     * The subject CN of the peer's leaf certificate.
     *
     * @throws SSLPeerUnverifiedException when the peer presented no certificate
     */
    public static String commonName(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        X509Certificate leaf = (X509Certificate) chain[0];
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new SSLPeerUnverifiedException("peer certificate subject " + leaf.getSubjectX500Principal()
                    + " cannot be parsed: " + e.getMessage());
        }
        throw new SSLPeerUnverifiedException("peer certificate " + leaf.getSubjectX500Principal() + " has no CN");
    }
}
