package dev.cairn.storeapi.remotewrite;

import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.xerial.snappy.Snappy;

/**
 * The smallest correct remote write 1.0 sender: protobuf, snappy block compression, the headers
 * Prometheus sends, one POST, no retries. For tests and tools; the relay has its own queue.
 */
public final class RemoteWriteSender {
    private final HttpClient client;
    private final URI url;

    public RemoteWriteSender(URI url) {
        this.url = url;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Status and body text of the receiver's answer. */
    public record Response(int status, String body) {
    }

    /** Encodes and sends {@code req}; returns the answer whatever its status. */
    public Response send(WriteRequest req) throws IOException, InterruptedException {
        return sendRaw(RemoteWriteVersion.V1, Snappy.compress(req.toByteArray()));
    }

    /** Sends already-compressed bytes with the headers of {@code version}: for tests of malformed bodies. */
    public Response sendRaw(RemoteWriteVersion version, byte[] body) throws IOException, InterruptedException {
        return sendRaw(version.contentType(), "snappy", version.headerVersion(), body);
    }

    /** Sends {@code body} with exactly these headers (null leaves a header out). */
    public Response sendRaw(String contentType, String contentEncoding, String rwVersion, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("User-Agent", "cairn-remote-write-sender")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (contentEncoding != null) {
            b.header("Content-Encoding", contentEncoding);
        }
        if (rwVersion != null) {
            b.header("X-Prometheus-Remote-Write-Version", rwVersion);
        }
        HttpResponse<String> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(resp.statusCode(), resp.body());
    }
}
