package dev.cairn.agent.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.relay.LoadGenerator;
import dev.cairn.agent.relay.Relay;
import dev.cairn.storeapi.pki.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with given PEM files of the shape a Puppet agent has (openssl-made RSA CA, PKCS#1 host key): it uses
 * them as they are for mutual TLS to an HTTPS receiver that requires a client certificate from that CA, and when
 * the files are replaced on disk (Puppet renewed the host's certificate) the next connections present the new
 * certificate, with no restart.
 */
class GivenPemFilesTest {
    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        assertTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is required (apt-get install openssl)");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
    }

    /** Signs {@code key} for CN vm1.example with the Puppet-style CA into {@code crt}. */
    private void issue(Path caCrt, Path caKey, Path key, Path crt, String serial) throws Exception {
        Path csr = dir.resolve("host.csr");
        Path ext = dir.resolve("ext.cnf");
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=vm1.example", "-out", csr.toString());
        Files.writeString(ext, "subjectAltName=DNS:vm1.example,DNS:localhost,IP:127.0.0.1\n"
                + "extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        Path tmp = dir.resolve("new.pem");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCrt.toString(), "-CAkey", caKey.toString(),
                "-set_serial", serial, "-days", "10", "-extfile", ext.toString(), "-out", tmp.toString());
        Files.move(tmp, crt, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void puppetStyleFiles_areUsedForMutualTls_andANewCertificateOnDiskIsPickedUpWithoutRestart() throws Exception {
        Path caKey = dir.resolve("ca_key.pem");
        Path caCrt = dir.resolve("ca_crt.pem");
        Path key = dir.resolve("private_keys_vm1.pem");
        Path crt = dir.resolve("certs_vm1.pem");
        openssl("genrsa", "-traditional", "-out", caKey.toString(), "2048");
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-subj", "/CN=Puppet CA: puppet.example",
                "-days", "30", "-out", caCrt.toString());
        openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "openssl wrote PKCS#1");
        issue(caCrt, caKey, key, crt, "1001");

        Set<BigInteger> seen = ConcurrentHashMap.newKeySet();
        HttpsServer server = mtlsReceiver(caCrt, key, crt, seen);
        AgentConfig c = AgentConfig.defaults().withDataDir(dir.resolve("agent"))
                .withAppliance(new AgentConfig.ApplianceConfig(URI.create("https://127.0.0.1:"
                        + server.getAddress().getPort() + "/api/v1/write"), false,
                        new AgentConfig.TlsConfig(crt, key, caCrt)))
                .withRelay(AgentConfig.defaults().relay().withListen("127.0.0.1", 0).withQueue(
                        AgentConfig.defaults().relay().queue().withBatch(500, Duration.ofMillis(100))));
        try (AgentCertificates certs = AgentCertificates.start(c, Clock.systemUTC());
             Relay relay = new Relay(c.withAppliance(new AgentConfig.ApplianceConfig(c.appliance().url(), false,
                     certs.tlsFiles()))).start()) {
            assertEquals("vm1.example", certs.agentId());
            assertEquals(c.appliance().tls(), certs.tlsFiles(), "given files are used where they are");
            assertNull(certs.lastError());
            URI relayUrl = URI.create("http://127.0.0.1:" + relay.address().getPort() + "/api/v1/write");
            LoadGenerator load = new LoadGenerator(5, System.currentTimeMillis(), "puppet");
            long i = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!seen.contains(BigInteger.valueOf(1001)) && System.nanoTime() < deadline) {
                assertTrue(load.send(relayUrl, i++));
                Thread.sleep(100);
            }
            assertEquals(Set.of(BigInteger.valueOf(1001)), seen, "the receiver saw the Puppet certificate");

            // Puppet renews the host certificate (same key, new serial): new connections must present it
            issue(caCrt, caKey, key, crt, "1002");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!seen.contains(BigInteger.valueOf(1002)) && System.nanoTime() < deadline) {
                assertTrue(load.send(relayUrl, i++));
                Thread.sleep(100);
            }
            assertTrue(seen.contains(BigInteger.valueOf(1002)), "the renewed certificate was never presented: "
                    + seen);
        } finally {
            server.stop(0);
        }
    }

    /**
     * An HTTPS remote-write endpoint (the JDK's server, independent of Cairn's TLS code) that requires a client
     * certificate from {@code caCrt}, answers 204, and records the serial of each client certificate it sees.
     * Connections are closed after each answer so every request is a new handshake.
     */
    private static HttpsServer mtlsReceiver(Path caCrt, Path key, Path crt, Set<BigInteger> seen) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", Pem.readPrivateKey(key), new char[0],
                Pem.readCertificates(crt).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", Pem.readCertificates(caCrt).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true); // through SSLParameters: the JDK server ignores the plain setter
                params.setSSLParameters(p);
            }
        });
        s.createContext("/api/v1/write", ex -> {
            try {
                X509Certificate peer = (X509Certificate) ((HttpsExchange) ex).getSSLSession().getPeerCertificates()[0];
                seen.add(peer.getSerialNumber());
            } catch (IOException e) {
                System.err.println("receiver: no client certificate: " + e);
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Connection", "close");
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        s.start();
        return s;
    }
}
