package dev.cairn.agent.relay;

import dev.cairn.agent.config.AgentConfig.TlsConfig;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The remote-write receiver the relay forwards to, over the JDK's HTTP/1.1 client (one connection
 * pool shared by all shards). Sends the headers Prometheus's remote-write 1.0 sender sends.
 * Thread-safe.
 */
final class Downstream {
    private final URI url;
    private final HttpClient client;
    private final Duration timeout;
    private final String userAgent;

    Downstream(URI url, TlsConfig tls, Duration timeout) throws IOException {
        this.url = url;
        this.timeout = timeout;
        this.userAgent = "cairn-agent/" + version();
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(sslContext(tls));
        }
        this.client = b.build();
    }

    URI url() {
        return url;
    }

    /**
     * The answer to one attempt: an HTTP status with the start of its body, and its
     * {@code Retry-After} header (null when absent).
     */
    record Answer(int status, String body, String retryAfter) {
    }

    /**
     * POSTs a snappy-compressed WriteRequest.
     *
     * @throws IOException on a network error or timeout (the caller retries)
     */
    Answer send(byte[] body, int len) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, len))
                .build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        String text = r.body() == null ? "" : r.body().strip();
        return new Answer(r.statusCode(), text.length() > 512 ? text.substring(0, 512) + "..." : text,
                r.headers().firstValue("Retry-After").orElse(null));
    }

    private static String version() {
        String v = Downstream.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Client certificate and trusted CA for mutual TLS, from the PEM files the agent holds. */
    static SSLContext sslContext(TlsConfig tls) throws IOException {
        try {
            List<X509Certificate> chain = Pem.readCertificates(tls.certFile());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("agent", Pem.readPrivateKey(tls.keyFile()), new char[0],
                    chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (X509Certificate ca : Pem.readCertificates(tls.caFile())) {
                ts.setCertificateEntry("ca" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (PkiException | GeneralSecurityException e) {
            throw new IOException("cannot set up mutual TLS to the appliance from " + tls.certFile() + ", "
                    + tls.keyFile() + " and " + tls.caFile() + ": " + e.getMessage(), e);
        }
    }
}
