package dev.cairn.agent.relay;

import dev.cairn.agent.pki.ApplianceTls;
import dev.cairn.agent.config.AgentConfig.TlsConfig;
import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The remote-write receiver the relay forwards to, over the JDK's HTTP/1.1 client (one connection
 * pool shared by all shards). Sends the headers Prometheus's remote-write 1.0 sender sends.
 * Thread-safe.
 *
 * <p>With mutual TLS the PEM files are looked at every {@link #TLS_CHECK_NANOS} (a digest of the
 * three files): when they changed (the agent renewed its certificate, or Puppet rewrote the host's)
 * and the new set is usable, a new client with a new connection pool replaces the old one, so the
 * next requests present the new certificate without a restart. A half-written or mismatched set
 * leaves the old client in use until the next look.
 */
final class Downstream {
    static final long TLS_CHECK_NANOS = 2_000_000_000L;
    private static final System.Logger LOG = System.getLogger(Downstream.class.getName());

    private final URI url;
    private final TlsConfig tls;
    private final Duration timeout;
    private final String userAgent;
    private volatile HttpClient client;
    private byte[] tlsDigest;
    private long nextTlsCheck;

    Downstream(URI url, TlsConfig tls, Duration timeout) throws IOException {
        this.url = url;
        this.tls = tls;
        this.timeout = timeout;
        this.userAgent = "cairn-agent/" + version();
        if (tls != null) {
            this.tlsDigest = digest(tls);
            this.nextTlsCheck = System.nanoTime() + TLS_CHECK_NANOS;
        }
        this.client = build(tls == null ? null : ApplianceTls.sslContext(tls));
    }

    private static HttpClient build(SSLContext ssl) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }

    /** The client to use now; rebuilt first when the TLS files changed and the new ones are usable. */
    private HttpClient client() {
        if (tls == null) {
            return client;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (now - nextTlsCheck < 0) {
                return client;
            }
            nextTlsCheck = now + TLS_CHECK_NANOS;
            try {
                byte[] d = digest(tls);
                if (!java.util.Arrays.equals(d, tlsDigest)) {
                    // the key must fit the certificate before the pool is swapped (TlsContexts checks that)
                    dev.cairn.storeapi.tls.TlsContexts.client(new dev.cairn.storeapi.tls.TlsFiles(tls.certFile(),
                            tls.keyFile(), tls.caFile()));
                    client = build(ApplianceTls.sslContext(tls));
                    tlsDigest = d;
                    LOG.log(System.Logger.Level.INFO, "TLS files {0} changed: new connections to {1} use them",
                            tls.certFile(), url);
                }
            } catch (IOException | PkiException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "TLS files " + tls.certFile() + ", " + tls.keyFile() + ", "
                        + tls.caFile() + " changed but cannot be used yet (" + e.getMessage()
                        + "); still using the previous ones");
            }
            return client;
        }
    }

    private static byte[] digest(TlsConfig t) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (java.nio.file.Path p : List.of(t.certFile(), t.keyFile(), t.caFile())) {
                md.update(java.nio.file.Files.readAllBytes(p));
                md.update((byte) 0);
            }
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
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
        HttpResponse<String> r = client().send(req, HttpResponse.BodyHandlers.ofString());
        String text = r.body() == null ? "" : r.body().strip();
        return new Answer(r.statusCode(), text.length() > 512 ? text.substring(0, 512) + "..." : text,
                r.headers().firstValue("Retry-After").orElse(null));
    }

    private static String version() {
        String v = Downstream.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
