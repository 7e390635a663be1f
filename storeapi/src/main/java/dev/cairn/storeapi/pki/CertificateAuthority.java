package dev.cairn.storeapi.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A certificate authority: its self-signed certificate and private key, and the mechanics of
 * signing leaf certificates. Holds no policy (who, which names, how long): callers pass a
 * {@link LeafSpec}. Thread-safe (immutable; signing uses a fresh signer per certificate).
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * A new self-signed CA with a fresh key: basic constraints CA:true (no intermediates below it),
     * key usage keyCertSign and cRLSign.
     */
    public static CertificateAuthority create(String commonName, KeyAlgorithm algorithm, Instant notBefore,
            Instant notAfter) {
        KeyPair keys = algorithm.generate();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(Csr.subject(commonName), serial(),
                    Date.from(notBefore), Date.from(notAfter), Csr.subject(commonName), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(sign(b, keys.getPrivate()), keys.getPrivate());
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("building the CA certificate for " + commonName, e);
        }
    }

    /** A new self-signed CA with an ECDSA P-256 key, the default. */
    public static CertificateAuthority create(String commonName, Instant notBefore, Instant notAfter) {
        return create(commonName, KeyAlgorithm.EC_P256, notBefore, notAfter);
    }

    /**
     * Loads a CA saved with {@link #save}, checking that the key belongs to the certificate and
     * that the certificate may sign others.
     */
    public static CertificateAuthority load(Path certificateFile, Path keyFile) throws IOException, PkiException {
        X509Certificate cert = Pem.readCertificates(certificateFile).get(0);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        if (cert.getBasicConstraints() < 0) {
            throw new PkiException(certificateFile + " is not a CA certificate (basic constraints CA:false); "
                    + "point the CA at the file written by `cairn pki init-ca`");
        }
        CertificateAuthority ca = new CertificateAuthority(cert, key);
        // a throwaway signature proves the pair belongs together before anything is issued with it
        X509Certificate probe = ca.issue(cert.getPublicKey(), new LeafSpec("key check", List.of(), List.of(),
                java.util.Set.of(Usage.CLIENT), Instant.now(), Instant.now().plusSeconds(60)));
        try {
            probe.verify(cert.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new PkiException(keyFile + " is not the private key of the CA certificate " + certificateFile, e);
        }
        return ca;
    }

    /** Writes the certificate (world-readable) and the private key (owner-only). */
    public void save(Path certificateFile, Path keyFile) throws IOException {
        Pem.writePrivateKey(keyFile, key);
        Pem.writeCertificates(certificateFile, certificate);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return key;
    }

    /** Issues a leaf for the key in a request whose signature is valid. */
    public X509Certificate issue(PKCS10CertificationRequest csr, LeafSpec spec) throws PkiException {
        return issue(Csr.verifiedPublicKey(csr), spec);
    }

    /** Issues a leaf for {@code subjectKey}: CA:false, digitalSignature, the spec's usages and names. */
    public X509Certificate issue(PublicKey subjectKey, LeafSpec spec) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            int keyUsage = KeyUsage.digitalSignature;
            if (subjectKey.getAlgorithm().equals("RSA")) {
                keyUsage |= KeyUsage.keyEncipherment; // RSA key exchange in TLS 1.2
            }
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (spec.usages().contains(Usage.SERVER)) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (spec.usages().contains(Usage.CLIENT)) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(spec.notBefore()), Date.from(spec.notAfter()), Csr.subject(spec.commonName()), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate));
            List<GeneralName> names = new ArrayList<>();
            for (String dns : spec.dnsNames()) {
                names.add(new GeneralName(GeneralName.dNSName, dns));
            }
            for (String ip : spec.ipAddresses()) {
                names.add(new GeneralName(GeneralName.iPAddress, ipLiteral(ip)));
            }
            if (!names.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(new GeneralName[0])));
            }
            return sign(b, key);
        } catch (CertIOException | java.security.NoSuchAlgorithmException | CertificateException e) {
            throw new IllegalStateException("building the certificate for " + spec.commonName(), e);
        }
    }

    private static String ipLiteral(String ip) {
        try {
            // LeafSpec only lets literals through, so this never goes to DNS
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip + " is not an IP address", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signingKey) {
        try {
            var signer = new JcaContentSignerBuilder(KeyAlgorithm.of(signingKey).signatureAlgorithm()).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("signing a certificate with a " + signingKey.getAlgorithm() + " key", e);
        }
    }

    /** Random positive serial of at most 127 bits: unique without state, within RFC 5280's 20 octets. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(0);
    }
}
