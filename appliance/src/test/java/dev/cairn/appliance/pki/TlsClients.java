package dev.cairn.appliance.pki;

import dev.cairn.storeapi.pki.Csr;
import dev.cairn.storeapi.pki.Pem;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLEngine;

/** HTTPS clients for the agents' port in tests, and the system's openssl as an independent judge. */
final class TlsClients {
    private TlsClients() {
    }

    /**
     * A client trusting {@code ca} and presenting {@code key}/{@code chain} (none when null). The key manager offers
     * the certificate whatever issuers the server asks for, so a certificate from another CA really reaches the
     * server instead of being held back by the JDK.
     */
    static HttpClient client(X509Certificate ca, PrivateKey key, X509Certificate... chain) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(key == null ? null : new X509ExtendedKeyManager[] {new Always(key, chain)}, tmf.getTrustManagers(),
                null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    }

    static HttpResponse<String> post(HttpClient c, URI uri, String contentType, byte[] body) throws Exception {
        return c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(HttpClient c, URI uri) throws Exception {
        return c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body of an enrollment. */
    static String enrollJson(String token, KeyPair keys, String agentId) {
        String csr = Pem.toPem(Csr.create(keys, agentId));
        return "{\"token\":" + dev.cairn.appliance.web.WebResponse.quote(token) + ",\"csr\":"
                + dev.cairn.appliance.web.WebResponse.quote(csr) + ",\"agent_id\":\"" + agentId
                + "\",\"hostname\":\"" + agentId + "\",\"ip_addresses\":[\"127.0.0.1\"]}";
    }

    record Run(int exit, String output) {
    }

    /** Runs /usr/bin/openssl; a missing binary fails the test. */
    static Run openssl(String... args) throws IOException, InterruptedException {
        Path bin = Path.of("/usr/bin/openssl");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException(bin + " is missing: apt-get install openssl");
        }
        List<String> cmd = new ArrayList<>(List.of(bin.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Presents one key and chain to every server, whatever it asks for. */
    private static final class Always extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        Always(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"me"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "me";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "me";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }
}
