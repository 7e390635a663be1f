package dev.cairn.agent.report;

import dev.cairn.agent.pki.ApplianceTls;

import dev.cairn.agent.config.AgentConfig.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The agent's calls to the appliance other than remote write (heartbeat, block upload), on the same
 * host, port and TLS settings as {@code appliance.url}: only the path differs. One JDK HTTP/1.1 client,
 * thread-safe.
 */
public final class ApplianceClient {
    private final URI origin;
    private final HttpClient http;
    private final Duration timeout;
    private final String userAgent;

    /**
     * @param applianceUrl the remote-write URL of the configuration (its scheme, host and port are used)
     * @param tls          client certificate and CA for mutual TLS, or null
     */
    public ApplianceClient(URI applianceUrl, TlsConfig tls, Duration timeout) throws IOException {
        this.origin = URI.create(applianceUrl.getScheme() + "://" + applianceUrl.getRawAuthority());
        this.timeout = timeout;
        String v = ApplianceClient.class.getPackage().getImplementationVersion();
        this.userAgent = "cairn-agent/" + (v == null ? "dev" : v);
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(ApplianceTls.sslContext(tls));
        }
        this.http = b.build();
    }

    /** The appliance's scheme://host:port. */
    public URI origin() {
        return origin;
    }

    /** An answer: status and the start of the body (for error messages). */
    public record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** POSTs a JSON body to {@code path}. */
    public Answer postJson(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(origin.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** PUTs {@code body} to {@code path}. */
    public Answer put(String path, HttpRequest.BodyPublisher body, Duration timeout) throws IOException,
            InterruptedException {
        return send(HttpRequest.newBuilder(origin.resolve(path)).timeout(timeout)
                .header("Content-Type", "application/octet-stream").PUT(body));
    }

    private Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpRequest req = b.header("User-Agent", userAgent).build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            String text = r.body() == null ? "" : r.body().strip();
            return new Answer(r.statusCode(), text.length() > 512 ? text.substring(0, 512) + "..." : text);
        } catch (IOException e) {
            throw new IOException(req.method() + " " + req.uri() + ": " + e, e);
        }
    }
}
