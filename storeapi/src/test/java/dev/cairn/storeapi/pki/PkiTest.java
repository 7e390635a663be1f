package dev.cairn.storeapi.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates we issue, judged by openssl and by the JDK's PKIX validator. */
class PkiTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static CertificateAuthority ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void createCa() {
        ca = CertificateAuthority.create("Cairn test CA", KeyAlgorithm.EC_P256, NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(3650, ChronoUnit.DAYS));
    }

    private static LeafSpec spec(String cn, Set<Usage> usages) {
        return new LeafSpec(cn, List.of("localhost", cn), List.of("127.0.0.1", "::1"), usages,
                NOW.minus(5, ChronoUnit.MINUTES), NOW.plus(90, ChronoUnit.DAYS));
    }

    @Test
    void issue_fromCsr_isAcceptedByOpensslVerifyWithTheRightPurposesAndNames() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        PKCS10CertificationRequest csr = Csr.create(keys, "agent-1.example");
        Pem.writeCsr(dir.resolve("agent.csr"), csr);
        PKCS10CertificationRequest back = Pem.readCsr(dir.resolve("agent.csr"));
        assertEquals("agent-1.example", Csr.commonName(back));
        assertEquals(0, OpenSsl.run("req", "-in", dir.resolve("agent.csr").toString(), "-noout", "-verify").exit(),
                "openssl rejects our CSR signature");

        X509Certificate leaf = ca.issue(back, spec("agent-1.example", Set.of(Usage.CLIENT)));
        Path caPem = dir.resolve("ca.pem");
        Path leafPem = dir.resolve("leaf.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        Pem.writeCertificates(leafPem, leaf);

        OpenSsl.Result ok = OpenSsl.run("verify", "-CAfile", caPem.toString(), leafPem.toString());
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains(leafPem + ": OK"), ok.output());
        OpenSsl.Result asClient = OpenSsl.run("verify", "-purpose", "sslclient", "-CAfile", caPem.toString(),
                leafPem.toString());
        assertEquals(0, asClient.exit(), asClient.output());
        OpenSsl.Result asServer = OpenSsl.run("verify", "-purpose", "sslserver", "-CAfile", caPem.toString(),
                leafPem.toString());
        assertNotEquals(0, asServer.exit(), "a client-only certificate must not pass as a server: " + asServer.output());

        String text = OpenSsl.run("x509", "-in", leafPem.toString(), "-noout", "-text").output();
        assertTrue(text.contains("DNS:localhost, DNS:agent-1.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"),
                text);
        assertTrue(text.contains("TLS Web Client Authentication"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.contains("Subject: CN = agent-1.example"), text);
        String caText = OpenSsl.run("x509", "-in", caPem.toString(), "-noout", "-text").output();
        assertTrue(caText.contains("CA:TRUE") && caText.contains("Certificate Sign"), caText);
        assertTrue(caText.contains("ASN1 OID: prime256v1"), caText);
    }

    @Test
    void privateKey_isWrittenOwnerOnly_andOpensslSeesTheCertificatesKey() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = ca.issue(keys.getPublic(), spec("server-1", Set.of(Usage.SERVER, Usage.CLIENT)));
        Path keyPem = dir.resolve("server.key");
        Path certPem = dir.resolve("server.pem");
        Pem.writePrivateKey(keyPem, keys.getPrivate());
        Pem.writeCertificates(certPem, leaf, ca.certificate());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyPem)));
        assertTrue(Files.readString(keyPem).startsWith("-----BEGIN PRIVATE KEY-----"));

        String fromKey = OpenSsl.run("pkey", "-in", keyPem.toString(), "-pubout").output();
        String fromCert = OpenSsl.run("x509", "-in", certPem.toString(), "-noout", "-pubkey").output();
        assertEquals(fromCert, fromKey, "key file and certificate hold different public keys");

        assertEquals(keys.getPrivate(), Pem.readPrivateKey(keyPem));
        List<X509Certificate> chain = Pem.readCertificates(certPem);
        assertEquals(List.of(leaf, ca.certificate()), chain);
    }

    @Test
    void rsaKeys_work_too() throws Exception {
        KeyPair keys = KeyAlgorithm.RSA_3072.generate();
        X509Certificate leaf = ca.issue(Csr.create(keys, "rsa-host"), spec("rsa-host", Set.of(Usage.SERVER)));
        CertificateChecks.verifyChain(List.of(leaf), ca.certificate(), NOW);
        Pem.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
        Pem.writeCertificates(dir.resolve("rsa.pem"), leaf);
        assertEquals(0, OpenSsl.run("verify", "-purpose", "sslserver", "-CAfile", dir.resolve("ca.pem").toString(),
                dir.resolve("rsa.pem").toString()).exit());
    }

    @Test
    void csr_withForeignSignature_isRefused() throws Exception {
        KeyPair mine = KeyAlgorithm.EC_P256.generate();
        KeyPair other = KeyAlgorithm.EC_P256.generate();
        PKCS10CertificationRequest good = Csr.create(mine, "x");
        // graft the other key into the request: same signature bytes, different public key
        var info = good.toASN1Structure().getCertificationRequestInfo();
        var forged = new org.bouncycastle.asn1.pkcs.CertificationRequest(
                new org.bouncycastle.asn1.pkcs.CertificationRequestInfo(info.getSubject(),
                        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(other.getPublic().getEncoded()),
                        info.getAttributes()),
                good.getSignatureAlgorithm(), new org.bouncycastle.asn1.DERBitString(good.getSignature()));
        PkiException e = assertThrows(PkiException.class,
                () -> ca.issue(new PKCS10CertificationRequest(forged), spec("x", Set.of(Usage.CLIENT))));
        assertTrue(e.getMessage().contains("does not match its public key"), e.getMessage());
    }

    @Test
    void verifyChain_refusesOtherCaAndExpiredCertificates() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = ca.issue(keys.getPublic(), spec("a", Set.of(Usage.CLIENT)));
        CertificateChecks.verifyChain(List.of(leaf), ca.certificate(), NOW);

        CertificateAuthority other = CertificateAuthority.create("Other CA", KeyAlgorithm.EC_P256,
                NOW.minus(1, ChronoUnit.HOURS), NOW.plus(1, ChronoUnit.DAYS));
        PkiException foreign = assertThrows(PkiException.class,
                () -> CertificateChecks.verifyChain(List.of(leaf), other.certificate(), NOW));
        assertTrue(foreign.getMessage().contains("does not verify against CA CN=Other CA"), foreign.getMessage());

        PkiException late = assertThrows(PkiException.class,
                () -> CertificateChecks.verifyChain(List.of(leaf), ca.certificate(), NOW.plus(91, ChronoUnit.DAYS)));
        assertTrue(late.getMessage().contains("CN=a"), late.getMessage());

        assertTrue(CertificateChecks.timeLeft(leaf, NOW).compareTo(Duration.ofDays(89)) > 0);
        assertTrue(CertificateChecks.timeLeft(leaf, NOW.plus(100, ChronoUnit.DAYS)).isNegative());
        assertFalse(CertificateChecks.needsRenewal(leaf, NOW, 1.0 / 3));
        assertTrue(CertificateChecks.needsRenewal(leaf, NOW.plus(70, ChronoUnit.DAYS), 1.0 / 3));
    }

    @Test
    void ca_savedAndLoaded_issuesCertificatesTheSavedCertificateVerifies() throws Exception {
        CertificateAuthority fresh = CertificateAuthority.create("Saved CA", NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(1, ChronoUnit.DAYS));
        assertEquals("EC", fresh.certificate().getPublicKey().getAlgorithm(), "P-256 is the default");
        fresh.save(dir.resolve("ca.pem"), dir.resolve("ca.key"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));
        CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca.key"));
        X509Certificate leaf = loaded.issue(KeyAlgorithm.EC_P256.generate().getPublic(), spec("x", Set.of(Usage.SERVER)));
        CertificateChecks.verifyChain(List.of(leaf), fresh.certificate(), NOW);

        // the wrong key, or a leaf posing as a CA, is refused at load time
        Pem.writePrivateKey(dir.resolve("other.key"), KeyAlgorithm.EC_P256.generate().getPrivate());
        PkiException wrongKey = assertThrows(PkiException.class,
                () -> CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("other.key")));
        assertTrue(wrongKey.getMessage().contains("is not the private key of the CA certificate"), wrongKey.getMessage());
        Pem.writeCertificates(dir.resolve("leaf.pem"), leaf);
        PkiException notCa = assertThrows(PkiException.class,
                () -> CertificateAuthority.load(dir.resolve("leaf.pem"), dir.resolve("ca.key")));
        assertTrue(notCa.getMessage().contains("is not a CA certificate"), notCa.getMessage());
    }

    @Test
    void leafSpec_refusesHostNamesAsIpAddresses() {
        assertThrows(IllegalArgumentException.class, () -> new LeafSpec("x", List.of(), List.of("example.com"),
                Set.of(Usage.SERVER), NOW, NOW.plusSeconds(60)));
        assertThrows(IllegalArgumentException.class, () -> new LeafSpec("x", List.of(), List.of(),
                Set.of(), NOW, NOW.plusSeconds(60)));
    }
}
