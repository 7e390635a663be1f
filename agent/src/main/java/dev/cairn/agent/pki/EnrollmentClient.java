package dev.cairn.agent.pki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.storeapi.pki.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The agent's side of {@code POST /api/v1/agents/enroll} and {@code /renew}: JSON over HTTPS to the appliance,
 * trusting only its CA (and checking its name, as any HTTPS client does).
 */
final class EnrollmentClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final X509Certificate ca;

    /** @param base the appliance's agents' port, {@code https://host:port} */
    EnrollmentClient(URI base, X509Certificate ca) {
        this.base = base;
        this.ca = ca;
    }

    /** What the appliance answered with a 200. */
    record Issued(String certificatePem, String caPem) {
    }

    /** A refusal or failure, with the appliance's explanation. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    Issued enroll(String token, PKCS10CertificationRequest csr, String agentId, String hostname)
            throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("csr", Pem.toPem(csr));
        body.put("agent_id", agentId);
        body.put("hostname", hostname);
        return post("/api/v1/agents/enroll", body, client(null, null));
    }

    Issued renew(PKCS10CertificationRequest csr, PrivateKey key, X509Certificate cert)
            throws IOException, InterruptedException {
        return post("/api/v1/agents/renew", Map.of("csr", Pem.toPem(csr)), client(key, cert));
    }

    private Issued post(String path, Map<String, Object> body, HttpClient client)
            throws IOException, InterruptedException {
        URI uri = base.resolve(path);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            String why = r.body().strip();
            try {
                JsonNode err = JSON.readTree(why);
                if (err != null && err.hasNonNull("error")) {
                    why = err.get("error").asText();
                }
            } catch (IOException e) {
                // not the JSON error shape: show the body as it is
            }
            throw new Refused(r.statusCode(), "POST " + uri + " answered " + r.statusCode() + ": " + why);
        }
        JsonNode ok = JSON.readTree(r.body());
        String cert = ok.path("certificate").asText("");
        if (cert.isEmpty()) {
            throw new IOException("POST " + uri + " answered 200 without a certificate: " + r.body());
        }
        return new Issued(cert, ok.path("ca").asText(""));
    }

    private HttpClient client(PrivateKey key, X509Certificate cert) throws IOException {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            KeyManagerFactory kmf = null;
            if (key != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("agent", key, new char[0], new X509Certificate[] {cert});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ctx)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to " + base + ": " + e.getMessage(), e);
        }
    }
}
