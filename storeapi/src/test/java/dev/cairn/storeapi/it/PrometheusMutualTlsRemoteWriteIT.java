package dev.cairn.storeapi.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.storeapi.remotewrite.RemoteWriteDecoder;
import dev.cairn.storeapi.remotewrite.RemoteWriteTestServer;
import dev.cairn.storeapi.tls.TlsContexts;
import dev.cairn.storeapi.tls.TlsFiles;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Prometheus (Go's TLS stack, a judge independent of the JDK and OpenSSL) remote-writes
 * over mutual TLS to our handler, with a server and a client certificate from our CA.
 */
class PrometheusMutualTlsRemoteWriteIT {

    @TempDir
    Path dir;

    private TlsFiles issue(CertificateAuthority ca, String name, Usage usage, Path caPem) throws Exception {
        return issue(ca, name, usage, caPem, dir);
    }

    private static TlsFiles issue(CertificateAuthority ca, String name, Usage usage, Path caPem, Path dir)
            throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        Instant now = Instant.now();
        var cert = ca.issue(keys.getPublic(), new LeafSpec(name, List.of("localhost"), List.of("127.0.0.1"),
                Set.of(usage), now.minus(5, ChronoUnit.MINUTES), now.plus(1, ChronoUnit.DAYS)));
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + ".key");
        Pem.writeCertificates(certFile, cert);
        Pem.writePrivateKey(keyFile, keys.getPrivate());
        return new TlsFiles(certFile, keyFile, caPem);
    }

    @Test
    void realPrometheus_writesOverMutualTls_withCertificatesFromOurCa() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("Cairn IT CA", KeyAlgorithm.EC_P256,
                now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS));
        Path caPem = dir.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        TlsFiles server = issue(ca, "receiver", Usage.SERVER, caPem);
        TlsFiles client = issue(ca, "prometheus-1", Usage.CLIENT, caPem);
        // a CA with the same name but another key: its client certificate must not get in
        CertificateAuthority rogue = CertificateAuthority.create("Cairn IT CA", KeyAlgorithm.EC_P256,
                now.minus(1, ChronoUnit.HOURS), now.plus(30, ChronoUnit.DAYS));
        TlsFiles rogueClient = issue(rogue, "prometheus-rogue", Usage.CLIENT, caPem);

        try (RemoteWriteTestServer receiver = new RemoteWriteTestServer(RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED,
                TlsContexts.mutualTlsServer(server));
                RemoteWriteTestServer guarded = new RemoteWriteTestServer(RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED,
                        TlsContexts.mutualTlsServer(server))) {
            String config = """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: self
                        static_configs:
                          - targets: ['127.0.0.1:${PORT}']
                    remote_write:
                      - url: %s
                        tls_config:
                          ca_file: %s
                          cert_file: %s
                          key_file: %s
                        queue_config:
                          batch_send_deadline: 200ms
                          min_backoff: 50ms
                          max_backoff: 1s
                      - url: %s
                        tls_config:
                          ca_file: %s
                          cert_file: %s
                          key_file: %s
                        queue_config:
                          batch_send_deadline: 200ms
                          min_backoff: 50ms
                          max_backoff: 1s
                    """.formatted(receiver.url(), caPem, client.certificate(), client.privateKey(),
                    guarded.url(), caPem, rogueClient.certificate(), rogueClient.privateKey());
            try (PrometheusProcess prom = new PrometheusProcess(dir, config)) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (true) {
                    long ups = receiver.received().stream()
                            .filter(s -> s.labels().get("__name__").equals("up"))
                            .mapToLong(DecodedSeries::sampleCount).sum();
                    // Go reports the JDK server's certificate_unknown alert as "remote error: tls: unknown certificate"
                    boolean refusalLogged = prom.log().contains(guarded.url() + "\\\": remote error: tls: unknown certificate");
                    if (ups >= 3 && refusalLogged) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        fail("in 60 s, " + ups + " up samples arrived over mutual TLS from Prometheus (pid " + prom.pid()
                                + "), refused handshake of the rogue client logged: " + refusalLogged + "\n" + prom.logTail());
                    }
                    Thread.sleep(250);
                }
                // the same queue config got through to `receiver` meanwhile; the rogue client never did
                assertTrue(guarded.received().isEmpty(), "a client certificate from a foreign CA was accepted");
            }
        }
    }
}
