package dev.cairn.storeapi.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** Chain and expiry checks, the way a TLS peer will judge a certificate (PKIX, no revocation lists). */
public final class CertificateChecks {
    private CertificateChecks() {
    }

    /**
     * Checks that {@code chain} (leaf first, then intermediates if any) leads to {@code ca} and that
     * every certificate in it is valid at {@code at}.
     *
     * @throws PkiException naming the certificate and what is wrong with it
     */
    public static void verifyChain(List<X509Certificate> chain, X509Certificate ca, Instant at) throws PkiException {
        if (chain.isEmpty()) {
            throw new PkiException("empty certificate chain");
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            params.setRevocationEnabled(false); // Cairn's CA has no CRL yet; short lifetimes instead
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(chain), params);
        } catch (java.security.cert.CertPathValidatorException e) {
            X509Certificate bad = e.getIndex() >= 0 && e.getIndex() < chain.size() ? chain.get(e.getIndex()) : chain.get(0);
            throw new PkiException("certificate " + bad.getSubjectX500Principal() + " does not verify against CA "
                    + ca.getSubjectX500Principal() + " at " + at + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot check the chain of " + chain.get(0).getSubjectX500Principal() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Time left until {@code cert} expires at {@code now}; negative once expired. */
    public static Duration timeLeft(X509Certificate cert, Instant now) {
        return Duration.between(now, cert.getNotAfter().toInstant());
    }

    /** True when less than {@code fraction} of the certificate's whole lifetime remains: time to renew. */
    public static boolean needsRenewal(X509Certificate cert, Instant now, double fraction) {
        Duration life = Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
        return timeLeft(cert, now).toMillis() < life.toMillis() * fraction;
    }
}
