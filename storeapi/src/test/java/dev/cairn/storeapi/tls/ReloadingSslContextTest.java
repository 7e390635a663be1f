package dev.cairn.storeapi.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingSslContextTest {
    @TempDir
    Path dir;

    private static final Instant NOW = Instant.now();
    private final CertificateAuthority ca = CertificateAuthority.create("reload CA", KeyAlgorithm.EC_P256,
            NOW.minus(1, ChronoUnit.HOURS), NOW.plus(10, ChronoUnit.DAYS));

    private X509Certificate writeLeaf(TlsFiles f, String cn) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate cert = ca.issue(keys.getPublic(), new LeafSpec(cn, List.of("localhost"), List.of(),
                Set.of(Usage.SERVER), NOW.minus(1, ChronoUnit.MINUTES), NOW.plus(1, ChronoUnit.DAYS)));
        Pem.writeCertificates(f.certificate(), cert);
        Pem.writePrivateKey(f.privateKey(), keys.getPrivate());
        return cert;
    }

    @Test
    void current_followsRenewedFiles_andKeepsOldContextOnBrokenFiles() throws Exception {
        TlsFiles f = new TlsFiles(dir.resolve("s.pem"), dir.resolve("s.key"), dir.resolve("ca.pem"));
        Pem.writeCertificates(f.trustedCa(), ca.certificate());
        writeLeaf(f, "first");
        int[] builds = {0};
        List<String> builtFor = new java.util.ArrayList<>();
        ReloadingSslContext r = new ReloadingSslContext(f, files -> {
            builds[0]++;
            builtFor.add(Pem.readCertificates(files.certificate()).get(0).getSubjectX500Principal().getName());
            return TlsContexts.mutualTlsServer(files);
        });
        SslContext first = r.current();
        assertSame(first, r.current(), "unchanged files must not rebuild");
        assertEquals(1, builds[0]);

        writeLeaf(f, "second");
        SslContext second = r.current();
        assertNotSame(first, second);
        assertEquals(List.of("CN=first", "CN=second"), builtFor);
        assertNull(r.lastError());

        // a renewed certificate whose key has not been written yet: keep serving the old pair
        KeyPair other = KeyAlgorithm.EC_P256.generate();
        Files.writeString(f.privateKey(), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        assertSame(second, r.current());
        assertTrue(r.lastError() != null && r.lastError().contains("cannot be used"), String.valueOf(r.lastError()));
        Pem.writePrivateKey(f.privateKey(), other.getPrivate()); // still does not match the certificate
        assertSame(second, r.current());
        assertTrue(r.lastError().contains("is not the key of the certificate"), r.lastError());

        writeLeaf(f, "third");
        assertNotSame(second, r.current());
        assertNull(r.lastError());
        assertEquals("CN=third", builtFor.get(builtFor.size() - 1));
    }
}
