package dev.cairn.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.storeapi.pki.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent and appliance as real processes on 127.0.0.1, with the real Debian Prometheus remote-writing into the
 * agent's relay: enrollment with a bootstrap token (a wrong one is refused and nothing is issued), the relay
 * forwarding over mutual TLS into the appliance's agents' port, renewal of a short-lived certificate (30 s, set in
 * the appliance's config) while forwarding goes on past the old certificate's expiry, and {@code cairn pki revoke}
 * run beside the appliance.
 */
class AgentMtlsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "e2e-token-5d1f";
    private static final String AGENT_ID = "vm1.cairn.test";

    @TempDir
    Path tmp;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int appHttp;
    private int appAgents;
    private Path pki;

    @BeforeEach
    void startAppliance() throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), "# bootstrap tokens\n" + TOKEN + "\n");
        Path cfg = Files.writeString(tmp.resolve("appliance.yaml"), """
                compact: {enabled: false}
                pki: {enrollment_token_file: "%s", agent_certificate_lifetime: 30s}
                """.formatted(tokens));
        ChildJvm app = ChildJvm.start(tmp.resolve("appliance.log"), "dev.cairn.appliance.ApplianceMain",
                "--config", cfg.toString(), "--data-dir", tmp.resolve("appliance").toString(),
                "--http-address", "127.0.0.1:0", "--grpc-address", "127.0.0.1:0", "--agents-address", "127.0.0.1:0");
        started.add(app);
        appHttp = Integer.parseInt(app.await("cairn appliance listening on 127\\.0\\.0\\.1:(\\d+)", 120));
        appAgents = Integer.parseInt(app.await("agents' port on 127\\.0\\.0\\.1:(\\d+)", 60));
        pki = tmp.resolve("appliance/pki");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private Path agentConfig(Path tokenFile) throws Exception {
        X509Certificate ca = Pem.readCertificates(pki.resolve("ca.pem")).get(0);
        String pin = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()))
                .toUpperCase(); // as sha256sum prints it, upper-cased: the agent takes either
        return Files.writeString(tmp.resolve("agent.yaml"), """
                data_dir: "%s"
                appliance:
                  url: https://127.0.0.1:%d/api/v1/write
                  ca_sha256: "%s"
                  enrollment_token_file: "%s"
                pki: {agent_id: %s}
                relay:
                  listen_address: 127.0.0.1:0
                  queue_config: {batch_send_deadline: 1s, min_backoff: 30ms, max_backoff: 1s}
                """.formatted(tmp.resolve("agent"), appAgents, pin, tokenFile, AGENT_ID));
    }

    @Test
    void wrongToken_isRefusedWith401_theAgentStopsSayingWhy_andNothingIsIssued() throws Exception {
        Path wrong = Files.writeString(tmp.resolve("wrong-token"), "e2e-token-5d1e\n");
        ChildJvm agent = ChildJvm.start(tmp.resolve("agent.log"), "dev.cairn.agent.AgentMain",
                "--config", agentConfig(wrong).toString());
        started.add(agent);
        assertEquals(1, agent.awaitExit(120));
        String out = agent.output();
        assertTrue(out.contains("answered 401") && out.contains("wrong or missing enrollment token"), out);
        assertFalse(Files.exists(tmp.resolve("agent/pki/agent.crt")), "no certificate may be stored");
        assertFalse(Files.exists(pki.resolve("issued.log")), "the appliance must issue nothing");
        // the CA was fetched and pinned before the attempt
        assertEquals(Files.readString(pki.resolve("ca.pem")), Files.readString(tmp.resolve("agent/pki/ca.crt")));
    }

    @Test
    void enrolledAgent_relaysRealPrometheusOverMutualTls_acrossRenewals_untilRevoked() throws Exception {
        ChildJvm agent = ChildJvm.start(tmp.resolve("agent.log"), "dev.cairn.agent.AgentMain",
                "--config", agentConfig(tmp.resolve("tokens")).toString());
        started.add(agent);
        int relay = Integer.parseInt(agent.await("relay listening on 127\\.0\\.0\\.1:(\\d+)", 120));
        Path crt = tmp.resolve("agent/pki/agent.crt");
        Path key = tmp.resolve("agent/pki/agent.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Run verify = openssl("verify", "-CAfile", pki.resolve("ca.pem").toString(), "-purpose", "sslclient",
                crt.toString());
        assertEquals(0, verify.exit, verify.output);
        X509Certificate first = Pem.readCertificates(crt).get(0);
        assertTrue(first.getSubjectX500Principal().getName().contains("CN=" + AGENT_ID));

        PromRemoteWriter prom = new PromRemoteWriter(tmp.resolve("prometheus"),
                URI.create("http://127.0.0.1:" + relay + "/api/v1/write"));
        started.add(prom);
        String app = "http://127.0.0.1:" + appHttp;
        awaitAtLeast(app, "count_over_time(up{job=\"self\"}[1h])", 3, 120);

        // renewal at two thirds of 30 s; forwarding must go on past the first certificate's end
        X509Certificate renewed = awaitNewCertificate(crt, first.getSerialNumber(), 90);
        assertTrue(renewed.getNotAfter().after(first.getNotAfter()), "the renewal extends the validity");
        assertEquals(first.getPublicKey(), renewed.getPublicKey(), "renewal keeps the key");
        Instant firstEnd = first.getNotAfter().toInstant();
        sleepUntil(firstEnd.plusSeconds(20));
        long at = Instant.now().getEpochSecond();
        double recent = value(app, "count_over_time(up{job=\"self\"}[15s])", at);
        assertTrue(recent >= 5, "samples scraped after the first certificate expired reached the appliance: "
                + recent + " in the last 15 s at " + at + " (first certificate ended " + firstEnd + ")");
        assertFalse(Pem.readCertificates(crt).get(0).getSerialNumber().equals(first.getSerialNumber()));
        // the appliance closes a connection whose certificate expired, so those samples came with a renewed one
        assertTrue(agent.output().contains("changed: new connections to"), "the relay never took up the renewed"
                + " certificate:\n" + agent.output());

        // every sample Prometheus scraped up to a moment is on the appliance, once the queue has drained
        long t = Instant.now().getEpochSecond() - 3;
        String q = "count_over_time(up{job=\"self\"}[10m])";
        double want = value(prom.url(), q, t);
        assertTrue(want >= 30, "prometheus scraped " + want);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double got = value(app, q, t);
        while (got != want && System.nanoTime() < deadline) {
            Thread.sleep(500);
            got = value(app, q, t);
        }
        assertEquals(want, got, "samples of up at " + t + ": prometheus vs appliance");
        String metrics = get("http://127.0.0.1:" + relay + "/metrics");
        assertTrue(metrics.contains("cairn_relay_samples_dropped_total{reason=\"rejected\"} 0"), metrics);

        // `cairn pki revoke` beside the running appliance: the agent's certificate is refused from then on
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = dev.cairn.cli.Cairn.execute(new String[] {"pki", "revoke", "--ca", pki.toString(), "--agent-id",
                AGENT_ID}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().startsWith("revoked "), out.toString());
        HttpClient mtls = mtlsClient(key, crt, pki.resolve("ca.pem"));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> r;
        do {
            Thread.sleep(300);
            r = mtls.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + appAgents + "/api/v1/agents/crl"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } while (r.statusCode() == 200 && System.nanoTime() < until);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("revoked"), r.body());
    }

    // ---- helpers ----

    private X509Certificate awaitNewCertificate(Path crt, BigInteger old, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                X509Certificate c = Pem.readCertificates(crt).get(0);
                if (!c.getSerialNumber().equals(old)) {
                    return c;
                }
            } catch (IOException | dev.cairn.storeapi.pki.PkiException | RuntimeException e) {
                // mid-rename: look again
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the agent did not renew " + crt + " within " + seconds + " s");
    }

    private static void sleepUntil(Instant when) throws InterruptedException {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) {
            assertTrue(ms < 120_000, "waiting too long: " + ms + " ms");
            Thread.sleep(ms);
        }
    }

    private void awaitAtLeast(String base, String promql, double min, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        double v = Double.NaN;
        while (System.nanoTime() < deadline) {
            v = value(base, promql, Instant.now().getEpochSecond());
            if (v >= min) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(promql + " on " + base + " stayed at " + v + ", below " + min);
    }

    /** The single value of an instant query, or NaN when the result is empty. */
    private double value(String base, String promql, long time) throws Exception {
        String body = get(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + time);
        JsonNode result = JSON.readTree(body).path("data").path("result");
        return result.size() == 0 ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpClient mtlsClient(Path key, Path crt, Path ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("a", Pem.readPrivateKey(key), new char[0],
                Pem.readCertificates(crt).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", Pem.readCertificates(ca).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private record Run(int exit, String output) {
    }

    private static Run openssl(String... args) throws Exception {
        Path bin = Path.of("/usr/bin/openssl");
        assertTrue(Files.isExecutable(bin), "openssl is required: apt-get install openssl");
        List<String> cmd = new ArrayList<>(List.of(bin.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }
}
