package dev.cairn.storeapi.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** Key types Cairn creates. ECDSA P-256 is the default: small keys, fast handshakes, TLS 1.2 and 1.3. */
public enum KeyAlgorithm {
    EC_P256("EC", "SHA256withECDSA"),
    RSA_3072("RSA", "SHA256withRSA");

    private final String jcaName;
    private final String signatureAlgorithm;

    KeyAlgorithm(String jcaName, String signatureAlgorithm) {
        this.jcaName = jcaName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** A fresh key pair from the platform's strong random source. */
    public KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(jcaName);
            if (this == EC_P256) {
                g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            } else {
                g.initialize(3072, new SecureRandom());
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + this + " keys", e);
        }
    }

    /** The JCA signature algorithm a key of this type signs certificates and requests with. */
    String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The algorithm of an existing private key. */
    static KeyAlgorithm of(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> EC_P256;
            case "RSA" -> RSA_3072;
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm()
                    + "; Cairn uses EC (P-256) or RSA keys");
        };
    }
}
