package dev.cairn.storeapi.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate signing requests: an agent proves it holds a private key by signing its
 * public key and name; the CA checks that signature before issuing. Names wanted in the
 * certificate travel separately (the CA decides them), so a request carries only the subject.
 */
public final class Csr {
    private Csr() {
    }

    /** A request for {@code commonName}, signed with {@code keys}. */
    public static PKCS10CertificationRequest create(KeyPair keys, String commonName) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(KeyAlgorithm.of(keys.getPrivate()).signatureAlgorithm())
                    .build(keys.getPrivate());
            return new JcaPKCS10CertificationRequestBuilder(subject(commonName), keys.getPublic()).build(signer);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request with a "
                    + keys.getPrivate().getAlgorithm() + " key", e);
        }
    }

    /** The public key of a request whose self-signature is valid. */
    public static PublicKey verifiedPublicKey(PKCS10CertificationRequest csr) throws PkiException {
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            PublicKey key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw new PkiException("certificate request for " + csr.getSubject()
                        + " has a signature that does not match its public key; the requester must sign with its own key");
            }
            return key;
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException e) {
            throw new PkiException("cannot check the signature of the certificate request for " + csr.getSubject()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The request's subject common name, or "" when it has none. */
    public static String commonName(PKCS10CertificationRequest csr) {
        var rdns = csr.getSubject().getRDNs(BCStyle.CN);
        return rdns.length == 0 ? "" : rdns[0].getFirst().getValue().toString();
    }

    /** DER bytes, e.g. to send over the wire. */
    public static byte[] encoded(PKCS10CertificationRequest csr) {
        try {
            return csr.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("encoding an in-memory certificate request", e);
        }
    }

    static X500Name subject(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }
}
