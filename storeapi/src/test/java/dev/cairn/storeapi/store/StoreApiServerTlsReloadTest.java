package dev.cairn.storeapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import dev.cairn.storeapi.tls.TlsFiles;
import dev.cairn.tsdb.labels.Labels;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StoreAPI server's certificate renewed on disk while it runs: new connections get the new
 * certificate (seen by a plain JDK TLS client), clients holding certificates of the same CA,
 * issued before the renewal, still connect, and an unusable renewal leaves the old one serving.
 */
class StoreApiServerTlsReloadTest {
    private static final Instant NOW = Instant.now();
    private static final Labels EXTERNAL = Labels.of("site", "lab");

    @TempDir
    Path dir;

    private final CertificateAuthority ca = CertificateAuthority.create("reload test CA", KeyAlgorithm.EC_P256,
            NOW.minus(1, ChronoUnit.DAYS), NOW.plus(30, ChronoUnit.DAYS));

    private X509Certificate writeLeaf(Path cert, Path key, String cn, Usage usage) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate c = ca.issue(keys.getPublic(), new LeafSpec(cn, List.of("localhost"), List.of("127.0.0.1"),
                Set.of(usage), NOW.minus(1, ChronoUnit.HOURS), NOW.plus(10, ChronoUnit.DAYS)));
        Pem.writeCertificates(cert, c);
        Pem.writePrivateKey(key, keys.getPrivate());
        return c;
    }

    /** The subject of the certificate the server shows a new connection (a JDK client with our client cert). */
    private static String serverSubject(int port, TlsFiles client) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", Pem.readPrivateKey(client.privateKey()), new char[0],
                Pem.readCertificates(client.certificate()).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificates(client.trustedCa()).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"}); // gRPC's server insists on ALPN h2
            s.setSSLParameters(p);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String subjectOrError(int port, TlsFiles client) {
        try {
            return serverSubject(port, client);
        } catch (Exception e) {
            return "error: " + e;
        }
    }

    @Test
    void renewedServerCertificate_isUsedForNewConnections_andOldClientsStillConnect() throws Exception {
        Path caPem = dir.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        TlsFiles serverFiles = new TlsFiles(dir.resolve("store.pem"), dir.resolve("store.key"), caPem);
        writeLeaf(serverFiles.certificate(), serverFiles.privateKey(), "store-1", Usage.SERVER);
        TlsFiles clientFiles = new TlsFiles(dir.resolve("query.pem"), dir.resolve("query.key"), caPem);
        writeLeaf(clientFiles.certificate(), clientFiles.privateKey(), "query", Usage.CLIENT);

        Supplier<TimeRange> range = () -> new TimeRange(0, 1000);
        QuerierFactory nothing = (mint, maxt) -> {
            throw new UnsupportedOperationException("this test only calls Info");
        };
        try (StoreApiServer server = StoreApiServer.start(new InetSocketAddress("127.0.0.1", 0), serverFiles,
                Duration.ofMillis(100), new StoreApiService(nothing, EXTERNAL, range, StoreType.STORE),
                new InfoApiService(EXTERNAL, range, StoreType.STORE));
             StoreApiClient before = StoreApiClient.connect("localhost", server.port(), clientFiles,
                     Duration.ofSeconds(20))) {
            int port = server.port();
            assertEquals("CN=store-1", serverSubject(port, clientFiles));
            assertEquals(StoreType.STORE, before.info().getStoreType());

            // renewal as the agent's enrolment or an operator does it: certificate, then key, in place
            writeLeaf(serverFiles.certificate(), serverFiles.privateKey(), "store-2", Usage.SERVER);
            await("a new connection sees the renewed certificate",
                    () -> subjectOrError(port, clientFiles).equals("CN=store-2"));
            assertNull(server.tlsError());

            // a client whose certificate was issued before the renewal, by the same CA, still gets in
            try (StoreApiClient after = StoreApiClient.connect("localhost", port, clientFiles, Duration.ofSeconds(20))) {
                assertEquals(StoreType.STORE, after.info().getStoreType());
            }
            assertEquals(StoreType.STORE, before.info().getStoreType(), "the channel opened before the renewal");

            // a renewal that cannot work (the key is not the certificate's): keep serving the last good pair
            Files.writeString(serverFiles.privateKey(), "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n");
            await("the server reports the unusable files", () -> server.tlsError() != null);
            assertTrue(server.tlsError().contains("still using the previous ones"), server.tlsError());
            assertEquals("CN=store-2", serverSubject(port, clientFiles));
            try (StoreApiClient again = StoreApiClient.connect("localhost", port, clientFiles, Duration.ofSeconds(20))) {
                assertEquals(StoreType.STORE, again.info().getStoreType());
            }
        }
    }
}
