package dev.cairn.agent.pki;

import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the agent comes to trust the appliance's CA before it has a certificate: a CA file given by the operator (or
 * Puppet), or a SHA-256 pin of the CA certificate, checked against what {@code GET /api/v1/agents/ca} returns over
 * an unverified connection. The pin is what makes that safe: a man in the middle can serve any certificate, but
 * not one with the pinned digest.
 */
final class ApplianceCa {
    private ApplianceCa() {
    }

    /** Lower-case hex SHA-256 of the certificate's DER encoding, as {@code openssl x509 -outform DER | sha256sum}. */
    static String sha256(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("hashing a certificate", e);
        }
    }

    /**
     * Fetches the CA certificate from {@code base}/api/v1/agents/ca without verifying the server, and accepts it only
     * if its SHA-256 is {@code pin}.
     *
     * @throws PkiException when the digest differs (with both digests, so the operator can compare)
     */
    static X509Certificate fetchPinned(URI base, String pin, Path scratch) throws IOException, PkiException,
            InterruptedException {
        HttpClient client;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new X509ExtendedTrustManager[] {new TrustAnyServer()}, null);
            client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
        URI uri = base.resolve("/api/v1/agents/ca");
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + r.statusCode() + ": " + r.body().strip());
        }
        Files.writeString(scratch, r.body(), StandardCharsets.US_ASCII);
        List<X509Certificate> certs;
        try {
            certs = Pem.readCertificates(scratch);
        } finally {
            Files.deleteIfExists(scratch);
        }
        String got = sha256(certs.get(0));
        if (!got.equals(pin)) {
            throw new PkiException("the CA certificate served at " + uri + " has SHA-256 " + got + ", not the pinned "
                    + pin + " (appliance.ca_sha256); check the pin against the appliance's ca.pem, or someone is"
                    + " between this host and the appliance");
        }
        return certs.get(0);
    }

    /** Accepts any server: only for fetching a CA certificate that is then checked against a pin. */
    private static final class TrustAnyServer extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
