package dev.cairn.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance's own StoreAPI listener with {@code grpc.tls}: a stacked appliance holding a
 * certificate of the client CA reads through it; one with a certificate of another CA, or none,
 * is refused, and its answer says so in {@code warnings}. Plain TLS (no client CA) takes
 * clients without certificates.
 */
class ApplianceGrpcTlsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Instant NOW = Instant.now();

    @TempDir
    Path tmp;

    private ApplianceConfig config(String name, ApplianceConfig.ServerTls tls, List<ApplianceConfig.StoreEndpoint> e) {
        ApplianceConfig d = ApplianceConfig.defaults();
        return d.withDataDir(tmp.resolve(name)).withHttp(new ApplianceConfig.Http("127.0.0.1", 0))
                .withGrpc(new ApplianceConfig.Http("127.0.0.1", 0)).withGrpcTls(tls)
                .withQuery(d.query().withEndpoints(e))
                .withCompact(new ApplianceConfig.Compact(false, null, Duration.ofMinutes(5), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO));
    }

    private static CertificateAuthority ca(String name) {
        return CertificateAuthority.create(name, KeyAlgorithm.EC_P256, NOW.minus(1, ChronoUnit.DAYS),
                NOW.plus(30, ChronoUnit.DAYS));
    }

    /** Writes a leaf of {@code ca} for 127.0.0.1 and returns {cert, key}. */
    private Path[] leaf(CertificateAuthority ca, String cn, Usage usage) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        Path cert = tmp.resolve(cn + ".pem");
        Path key = tmp.resolve(cn + ".key");
        Pem.writeCertificates(cert, ca.issue(keys.getPublic(), new LeafSpec(cn, List.of("localhost"),
                List.of("127.0.0.1"), Set.of(usage), NOW.minus(1, ChronoUnit.HOURS), NOW.plus(10, ChronoUnit.DAYS))));
        Pem.writePrivateKey(key, keys.getPrivate());
        return new Path[] {cert, key};
    }

    private static String query(ApplianceMain m, String promql, long timeMs) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.httpPort()
                + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + timeMs / 1000.0))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void append(ApplianceMain m, Labels l, long t, double v) throws Exception {
        HeadAppender app = m.db().appender();
        app.append(l, t, v);
        app.commit();
    }

    @Test
    void grpcWithClientCa_servesStackedAppliancesOfThatCaOnly() throws Exception {
        CertificateAuthority ca = ca("cairn test CA");
        Path caPem = tmp.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        Path[] server = leaf(ca, "appliance-a", Usage.SERVER);
        Path[] client = leaf(ca, "appliance-b", Usage.CLIENT);
        CertificateAuthority other = ca("someone else's CA");
        Path[] foreign = leaf(other, "intruder", Usage.CLIENT);

        long t = System.currentTimeMillis() - 60_000;
        try (ApplianceMain a = ApplianceMain.start(config("a", new ApplianceConfig.ServerTls(server[0], server[1], caPem),
                List.of()))) {
            append(a, Labels.of("__name__", "cpu_seconds", "instance", "vm-1:9100"), t, 42.5);
            ApplianceConfig.StoreEndpoint good = new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(),
                    new ApplianceConfig.Tls(client[0], client[1], caPem));
            try (ApplianceMain b = ApplianceMain.start(config("b", null, List.of(good)))) {
                String answer = query(b, "cpu_seconds", t);
                assertTrue(answer.contains("\"instance\":\"vm-1:9100\"") && answer.contains("\"42.5\""), answer);
                assertFalse(answer.contains("\"warnings\""), answer);
            }
            for (ApplianceConfig.Tls refused : List.of(new ApplianceConfig.Tls(foreign[0], foreign[1], caPem),
                    new ApplianceConfig.Tls(null, null, caPem))) {
                ApplianceConfig.StoreEndpoint e = new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(), refused);
                try (ApplianceMain c = ApplianceMain.start(config("c" + (refused.certFile() == null), null, List.of(e)))) {
                    String answer = query(c, "cpu_seconds", t);
                    assertFalse(answer.contains("vm-1:9100"), "a refused client got data: " + answer);
                    assertTrue(answer.contains("\"warnings\":[") && answer.contains("127.0.0.1:" + a.grpcPort()), answer);
                }
            }
        }
    }

    @Test
    void grpcWithoutClientCa_isTlsForClientsWithoutCertificates() throws Exception {
        CertificateAuthority ca = ca("cairn test CA");
        Path caPem = tmp.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        Path[] server = leaf(ca, "appliance-a", Usage.SERVER);
        long t = System.currentTimeMillis() - 60_000;
        try (ApplianceMain a = ApplianceMain.start(config("a", new ApplianceConfig.ServerTls(server[0], server[1], null),
                List.of()))) {
            append(a, Labels.of("__name__", "up", "job", "node"), t, 1);
            ApplianceConfig.StoreEndpoint tls = new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(),
                    new ApplianceConfig.Tls(null, null, caPem));
            try (ApplianceMain b = ApplianceMain.start(config("b", null, List.of(tls)))) {
                String answer = query(b, "up", t);
                assertTrue(answer.contains("\"job\":\"node\""), answer);
                assertFalse(answer.contains("\"warnings\""), answer);
            }
            ApplianceConfig.StoreEndpoint plaintext = new ApplianceConfig.StoreEndpoint("127.0.0.1", a.grpcPort(), null);
            try (ApplianceMain c = ApplianceMain.start(config("c", null, List.of(plaintext)))) {
                String answer = query(c, "up", t);
                assertFalse(answer.contains("\"job\":\"node\""), "plaintext reached a TLS listener: " + answer);
                assertTrue(answer.contains("\"warnings\":["), answer);
            }
        }
    }
}
