package dev.cairn.appliance.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.appliance.web.WebResponse;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.Csr;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * The appliance's agents' port in process, on 127.0.0.1: enrollment with bootstrap tokens, mTLS remote write into
 * the same receiver as the HTTP port, per-path client certificate checks, renewal, revocation, and openssl's view
 * of what the CA issues.
 */
class AgentsPortTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "bootstrap-7f3c9a";

    @TempDir
    Path tmp;
    private ApplianceMain app;
    private URI agents;
    private X509Certificate ca;

    @BeforeEach
    void start() throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), "# written by Puppet\n\nold-token-1\n" + TOKEN + "\n");
        ApplianceConfig c = ConfigLoader.load(null, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0");
        c = c.withPki(new ApplianceConfig.Pki(null, tokens, Duration.ofHours(1)));
        app = ApplianceMain.start(c);
        agents = URI.create("https://127.0.0.1:" + app.agentsPort());
        ca = Pem.readCertificates(tmp.resolve("data/pki/ca.pem")).get(0);
    }

    @AfterEach
    void stop() throws IOException {
        app.close();
    }

    private HttpClient anonymous() throws Exception {
        return TlsClients.client(ca, null);
    }

    private JsonNode enroll(String agentId, KeyPair keys) throws Exception {
        HttpResponse<String> r = TlsClients.post(anonymous(), agents.resolve(AgentEndpoints.ENROLL),
                "application/json", TlsClients.enrollJson(TOKEN, keys, agentId).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static byte[] write(String name, long t, double v) throws IOException {
        return Snappy.compress(WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue(name))
                .addLabels(Label.newBuilder().setName("job").setValue("agent"))
                .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v))).build().toByteArray());
    }

    private static HttpResponse<String> remoteWrite(HttpClient c, URI uri, byte[] body) throws Exception {
        return c.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String query(String promql) throws Exception {
        URI u = URI.create("http://127.0.0.1:" + app.httpPort() + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + (System.currentTimeMillis() / 1000 + 10));
        return HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(u).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private Path issuedLog() {
        return tmp.resolve("data/pki").resolve(AgentCa.ISSUED_LOG);
    }

    @Test
    void enroll_wrongOrMissingToken_isRefusedWith401AndNothingIsIssued() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        for (String token : List.of("bootstrap-7f3c9b", "", "# written by Puppet", TOKEN + "x")) {
            HttpResponse<String> r = TlsClients.post(anonymous(), agents.resolve(AgentEndpoints.ENROLL),
                    "application/json", TlsClients.enrollJson(token, keys, "vm1").getBytes(StandardCharsets.UTF_8));
            assertEquals(401, r.statusCode(), token + ": " + r.body());
            JsonNode err = JSON.readTree(r.body());
            assertEquals("error", err.path("status").asText());
            assertEquals("unauthorized", err.path("errorType").asText());
            assertFalse(r.body().contains("BEGIN CERTIFICATE"), r.body());
        }
        HttpResponse<String> noToken = TlsClients.post(anonymous(), agents.resolve(AgentEndpoints.ENROLL),
                "application/json", "{\"csr\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, noToken.statusCode(), noToken.body());
        assertFalse(Files.exists(issuedLog()), "a refused enrollment must issue nothing");
    }

    @Test
    void enroll_validToken_issuesALeafThatOpensslVerifiesAndThatWritesOverMutualTls() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        JsonNode issued = enroll("vm1.example", keys);
        X509Certificate leaf = Pem.readCertificates(Files.writeString(tmp.resolve("leaf.pem"),
                issued.path("certificate").asText())).get(0);
        assertEquals(Pem.toPem(ca), issued.path("ca").asText());
        assertEquals(leaf.getNotAfter().toInstant(), Instant.parse(issued.path("not_after").asText()));
        assertEquals("vm1.example", Hosts.commonName(leaf));
        assertTrue(leaf.getExtendedKeyUsage().containsAll(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")));
        long life = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toMinutes();
        assertTrue(life >= 60 && life <= 66, "lifetime from pki.agent_certificate_lifetime (1h): " + life + " min");
        assertTrue(Files.readString(issuedLog()).contains(leaf.getSerialNumber().toString(16)));

        // an independent judge: openssl accepts the leaf against the CA file the appliance wrote, for client auth
        TlsClients.Run v = TlsClients.openssl("verify", "-CAfile", tmp.resolve("data/pki/ca.pem").toString(),
                "-purpose", "sslclient", tmp.resolve("leaf.pem").toString());
        assertEquals(0, v.exit(), v.output());
        assertTrue(v.output().contains(": OK"), v.output());

        HttpClient mtls = TlsClients.client(ca, keys.getPrivate(), leaf);
        long now = System.currentTimeMillis();
        assertEquals(204, remoteWrite(mtls, agents.resolve("/api/v1/write"), write("via_agents_port", now, 42))
                .statusCode());
        assertEquals(204, remoteWrite(mtls, agents.resolve("/api/v1/receive"), write("via_receive_path", now, 7))
                .statusCode());
        // remote write 2.0 into the same receiver
        byte[] v2 = Snappy.compress(dev.cairn.storeapi.pb.writev2.Request.newBuilder()
                .addAllSymbols(List.of("", "__name__", "via_rw2", "job", "agent"))
                .addTimeseries(dev.cairn.storeapi.pb.writev2.TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2, 3, 4))
                        .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(now).setValue(9)))
                .build().toByteArray());
        HttpResponse<String> rw2 = mtls.send(java.net.http.HttpRequest.newBuilder(agents.resolve("/api/v1/write"))
                .header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request")
                .header("Content-Encoding", "snappy").header("X-Prometheus-Remote-Write-Version", "2.0.0")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(v2)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, rw2.statusCode(), rw2.body());
        assertEquals("1", rw2.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(""));
        assertTrue(query("via_rw2").contains("\"9\""));
        String answer = query("via_agents_port");
        assertTrue(answer.contains("\"42\""), answer);
        assertTrue(query("via_receive_path").contains("\"7\""));

        // the CA and CRL downloads
        HttpResponse<String> caPem = TlsClients.get(anonymous(), agents.resolve(AgentEndpoints.CA));
        assertEquals(200, caPem.statusCode());
        assertEquals(Pem.toPem(ca), caPem.body());
        assertEquals(401, TlsClients.get(anonymous(), agents.resolve(AgentEndpoints.CRL)).statusCode());
        HttpResponse<String> crl = TlsClients.get(mtls, agents.resolve(AgentEndpoints.CRL));
        assertEquals(200, crl.statusCode(), crl.body());
        assertTrue(crl.body().startsWith("-----BEGIN X509 CRL-----"), crl.body());
    }

    @Test
    void remoteWrite_withoutClientCertificate_is401AndNotStored() throws Exception {
        HttpResponse<String> r = remoteWrite(anonymous(), agents.resolve("/api/v1/write"),
                write("anonymous_write", System.currentTimeMillis(), 1));
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.body().contains("enroll"), r.body());
        assertFalse(query("anonymous_write").contains("anonymous_write"));
        // routes other code adds are behind the same check, and see the CN
        app.agentRoutes().add("GET", "/api/v1/agents/whoami", req -> WebResponse.text(200, req.clientId()));
        assertEquals(401, TlsClients.get(anonymous(), agents.resolve("/api/v1/agents/whoami")).statusCode());
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = Pem.readCertificates(Files.writeString(tmp.resolve("l.pem"),
                enroll("vm-who", keys).path("certificate").asText())).get(0);
        HttpResponse<String> who = TlsClients.get(TlsClients.client(ca, keys.getPrivate(), leaf),
                agents.resolve("/api/v1/agents/whoami"));
        assertEquals("vm-who", who.body());
        // no Prometheus API on the agents' port
        assertEquals(404, TlsClients.get(TlsClients.client(ca, keys.getPrivate(), leaf),
                agents.resolve("/api/v1/query?query=up")).statusCode());
    }

    @Test
    void clientCertificateFromAnotherCa_isRefused() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority other = CertificateAuthority.create("Cairn appliance CA " + Hosts.localName(),
                now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate foreign = other.issue(keys.getPublic(), new LeafSpec("vm1.example", List.of("vm1.example"),
                List.of(), Set.of(Usage.CLIENT), now.minusSeconds(60), now.plus(Duration.ofHours(1))));
        HttpClient c = TlsClients.client(ca, keys.getPrivate(), foreign);
        // the certificate is presented whatever the server asks for: the handshake itself must fail
        assertThrows(IOException.class, () -> remoteWrite(c, agents.resolve("/api/v1/write"),
                write("foreign_write", System.currentTimeMillis(), 1)));
        assertFalse(query("foreign_write").contains("foreign_write"));
    }

    @Test
    void revokedCertificate_isRefusedOnTheNextRequest_andListedInTheCrl() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = Pem.readCertificates(Files.writeString(tmp.resolve("leaf.pem"),
                enroll("vm-revoked", keys).path("certificate").asText())).get(0);
        HttpClient mtls = TlsClients.client(ca, keys.getPrivate(), leaf);
        assertEquals(204, remoteWrite(mtls, agents.resolve("/api/v1/write"),
                write("before_revocation", System.currentTimeMillis(), 1)).statusCode());

        // as `cairn pki revoke --agent-id vm-revoked` does, from outside the appliance's process state
        Path pki = tmp.resolve("data/pki");
        List<String> serials = RevocationList.serialsOf(pki, "vm-revoked", Clock.systemUTC());
        assertEquals(List.of(leaf.getSerialNumber().toString(16)), serials);
        assertEquals(1, RevocationList.revoke(pki, Set.of(new BigInteger(serials.get(0), 16)), Clock.systemUTC()));

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> r;
        do {
            Thread.sleep(200);
            r = remoteWrite(mtls, agents.resolve("/api/v1/write"), write("after_revocation",
                    System.currentTimeMillis(), 1));
        } while (r.statusCode() == 204 && System.nanoTime() < deadline);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("revoked"), r.body());
        // renewal with the revoked certificate is refused too
        HttpResponse<String> renew = TlsClients.post(mtls, agents.resolve(AgentEndpoints.RENEW), "application/json",
                ("{\"csr\":" + WebResponse.quote(Pem.toPem(Csr.create(keys, "vm-revoked"))) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(403, renew.statusCode(), renew.body());

        // openssl reads the CRL the appliance serves, checks its signature, and finds the serial in it
        Path crl = Files.writeString(tmp.resolve("crl.pem"), app.pki().revocations().pem());
        TlsClients.Run text = TlsClients.openssl("crl", "-in", crl.toString(), "-CAfile",
                pki.resolve("ca.pem").toString(), "-noout", "-text");
        assertEquals(0, text.exit(), text.output());
        assertTrue(text.output().contains("verify OK"), text.output());
        assertTrue(text.output().toUpperCase().contains(leaf.getSerialNumber().toString(16).toUpperCase()),
                text.output());
        TlsClients.Run check = TlsClients.openssl("verify", "-crl_check", "-CAfile", pki.resolve("ca.pem").toString(),
                "-CRLfile", crl.toString(), tmp.resolve("leaf.pem").toString());
        assertFalse(check.exit() == 0, check.output());
        assertTrue(check.output().contains("revoked"), check.output());
    }

    @Test
    void renew_issuesANewCertificateForTheCallersOwnNameOnly() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = Pem.readCertificates(Files.writeString(tmp.resolve("leaf.pem"),
                enroll("vm-renew", keys).path("certificate").asText())).get(0);
        HttpClient mtls = TlsClients.client(ca, keys.getPrivate(), leaf);
        HttpResponse<String> other = TlsClients.post(mtls, agents.resolve(AgentEndpoints.RENEW), "application/json",
                ("{\"csr\":" + WebResponse.quote(Pem.toPem(Csr.create(keys, "vm-other"))) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(403, other.statusCode(), other.body());
        HttpResponse<String> own = TlsClients.post(mtls, agents.resolve(AgentEndpoints.RENEW), "application/json",
                ("{\"csr\":" + WebResponse.quote(Pem.toPem(Csr.create(keys, "vm-renew"))) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(200, own.statusCode(), own.body());
        X509Certificate renewed = Pem.readCertificates(Files.writeString(tmp.resolve("renewed.pem"),
                JSON.readTree(own.body()).path("certificate").asText())).get(0);
        assertFalse(renewed.getSerialNumber().equals(leaf.getSerialNumber()));
        assertEquals(List.copyOf(leaf.getSubjectAlternativeNames()), List.copyOf(renewed.getSubjectAlternativeNames()));
        assertEquals(204, remoteWrite(TlsClients.client(ca, keys.getPrivate(), renewed), agents.resolve("/api/v1/write"),
                write("after_renewal", System.currentTimeMillis(), 3)).statusCode());
        // without a client certificate there is nothing to renew
        assertEquals(401, TlsClients.post(anonymous(), agents.resolve(AgentEndpoints.RENEW), "application/json",
                "{}".getBytes(StandardCharsets.UTF_8)).statusCode());
    }

    @Test
    void restart_keepsTheCaAndTheServerCertificate() throws Exception {
        String caBefore = Files.readString(tmp.resolve("data/pki/ca.pem"));
        String serverBefore = Files.readString(tmp.resolve("data/pki/server.pem"));
        ApplianceConfig c = app.config();
        app.close();
        app = ApplianceMain.start(c);
        assertEquals(caBefore, Files.readString(tmp.resolve("data/pki/ca.pem")));
        assertEquals(serverBefore, Files.readString(tmp.resolve("data/pki/server.pem")));
        TlsClients.Run v = TlsClients.openssl("verify", "-CAfile", tmp.resolve("data/pki/ca.pem").toString(),
                "-purpose", "sslserver", tmp.resolve("data/pki/server.pem").toString());
        assertEquals(0, v.exit(), v.output());
    }

    @Test
    void certificateExpiringOnAnOpenConnection_isCutOff_notAnswered4xx() throws Exception {
        ApplianceConfig c = app.config();
        app.close();
        app = ApplianceMain.start(c.withPki(new ApplianceConfig.Pki(null, c.pki().enrollmentTokenFile(),
                Duration.ofSeconds(4))));
        agents = URI.create("https://127.0.0.1:" + app.agentsPort());
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = Pem.readCertificates(Files.writeString(tmp.resolve("short.pem"),
                enroll("vm-short", keys).path("certificate").asText())).get(0);
        HttpClient mtls = TlsClients.client(ca, keys.getPrivate(), leaf);
        assertEquals(204, remoteWrite(mtls, agents.resolve("/api/v1/write"),
                write("short_lived", System.currentTimeMillis(), 1)).statusCode());
        Thread.sleep(Math.max(0, leaf.getNotAfter().getTime() - System.currentTimeMillis()) + 1500);
        // a sender must see a network error (and retry later with a renewed certificate), never a 4xx that makes
        // Prometheus-style senders drop the data
        assertThrows(IOException.class, () -> remoteWrite(mtls, agents.resolve("/api/v1/write"),
                write("short_lived", System.currentTimeMillis(), 2)));
    }

    /** An openssl-made RSA CA and a host certificate with a PKCS#1 key, shaped like a Puppet agent's files. */
    private Path[] opensslCaAndHost(String name, String cn) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Path caKey = d.resolve("ca_key.pem");
        Path caCrt = d.resolve("ca_crt.pem");
        Path key = d.resolve("host_key.pem");
        Path csr = d.resolve("host.csr");
        Path crt = d.resolve("host_crt.pem");
        Path ext = Files.writeString(d.resolve("ext.cnf"), "subjectAltName=DNS:" + cn
                + "\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        for (String[] args : List.of(
                new String[] {"genrsa", "-traditional", "-out", caKey.toString(), "2048"},
                new String[] {"req", "-x509", "-new", "-key", caKey.toString(), "-subj", "/CN=Puppet CA: " + name,
                    "-days", "30", "-out", caCrt.toString()},
                new String[] {"genrsa", "-traditional", "-out", key.toString(), "2048"},
                new String[] {"req", "-new", "-key", key.toString(), "-subj", "/CN=" + cn, "-out", csr.toString()},
                new String[] {"x509", "-req", "-in", csr.toString(), "-CA", caCrt.toString(), "-CAkey",
                    caKey.toString(), "-set_serial", "7", "-days", "10", "-extfile", ext.toString(), "-out",
                    crt.toString()})) {
            TlsClients.Run r = TlsClients.openssl(args);
            assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.output());
        }
        assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        return new Path[] {caCrt, key, crt};
    }

    @Test
    void puppetCertificate_isAcceptedWhenItsCaIsAClientCa_anotherCasIsNot() throws Exception {
        Path[] puppet = opensslCaAndHost("puppet", "vm7.example");
        Path[] stranger = opensslCaAndHost("stranger", "vm7.example");
        ApplianceConfig c = app.config();
        app.close();
        app = ApplianceMain.start(c.withAgents(new ApplianceConfig.Agents(c.agents().listen(), List.of(),
                puppet[0])));
        agents = URI.create("https://127.0.0.1:" + app.agentsPort());
        app.agentRoutes().add("GET", "/api/v1/agents/whoami", req -> WebResponse.text(200, req.clientId()));

        HttpClient host = TlsClients.client(ca, Pem.readPrivateKey(puppet[1]),
                Pem.readCertificates(puppet[2]).toArray(new X509Certificate[0]));
        assertEquals(204, remoteWrite(host, agents.resolve("/api/v1/write"),
                write("from_puppet_host", System.currentTimeMillis(), 5)).statusCode());
        assertEquals("vm7.example", TlsClients.get(host, agents.resolve("/api/v1/agents/whoami")).body());
        // this CA's CRL is not consulted for another CA's serials: revoking our serial 7 leaves the host alone
        RevocationList.revoke(tmp.resolve("data/pki"), Set.of(BigInteger.valueOf(7)), Clock.systemUTC());
        Thread.sleep(1500);
        assertEquals(200, TlsClients.get(host, agents.resolve("/api/v1/agents/whoami")).statusCode());

        HttpClient strangerClient = TlsClients.client(ca, Pem.readPrivateKey(stranger[1]),
                Pem.readCertificates(stranger[2]).toArray(new X509Certificate[0]));
        assertThrows(IOException.class, () -> remoteWrite(strangerClient, agents.resolve("/api/v1/write"),
                write("from_stranger", System.currentTimeMillis(), 5)));
    }
}
