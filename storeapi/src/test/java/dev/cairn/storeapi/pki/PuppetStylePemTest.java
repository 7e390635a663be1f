package dev.cairn.storeapi.pki;

import dev.cairn.storeapi.tls.TlsContexts;
import dev.cairn.storeapi.tls.TlsFiles;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificates Cairn did not issue: a host's Puppet agent certificate is RSA, its key is PKCS#1
 * ("BEGIN RSA PRIVATE KEY") and its CA is Puppet's own. openssl makes files of that shape here,
 * and the TLS layer must take them as they are.
 */
class PuppetStylePemTest {

    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        OpenSsl.Result r = OpenSsl.run(args);
        assertEquals(0, r.exit(), () -> "openssl " + String.join(" ", args) + ":\n" + r.output());
    }

    @Test
    void opensslMadeRsaCaAndPkcs1HostKey_loadAndBuildMutualTlsContexts() throws Exception {
        Path caKey = dir.resolve("ca_key.pem");
        Path caCrt = dir.resolve("ca_crt.pem");
        Path key = dir.resolve("host.pem");
        Path csr = dir.resolve("host.csr");
        Path crt = dir.resolve("host_crt.pem");
        Path ext = dir.resolve("ext.cnf");
        openssl("genrsa", "-traditional", "-out", caKey.toString(), "2048");
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-subj", "/CN=Puppet CA: puppet.example",
                "-days", "30", "-out", caCrt.toString());
        openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=vm1.example", "-out", csr.toString());
        Files.writeString(ext, "subjectAltName=DNS:vm1.example,DNS:puppet\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCrt.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "10", "-extfile", ext.toString(), "-out", crt.toString());
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "openssl wrote PKCS#1");

        PrivateKey pk = Pem.readPrivateKey(key);
        List<X509Certificate> chain = Pem.readCertificates(crt);
        X509Certificate ca = Pem.readCertificates(caCrt).get(0);
        assertEquals(((RSAPublicKey) chain.get(0).getPublicKey()).getModulus(), ((RSAPrivateCrtKey) pk).getModulus(),
                "the PKCS#1 key read back belongs to its certificate");
        CertificateChecks.verifyChain(chain, ca, Instant.now());

        TlsFiles files = new TlsFiles(crt, key, caCrt);
        SslContext server = TlsContexts.mutualTlsServer(files);
        SslContext client = TlsContexts.client(files);
        assertNotNull(server);
        assertTrue(client.isClient() && server.isServer());
    }
}
