package dev.cairn.storeapi.remoteread;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.storeapi.pb.prometheus.ChunkedReadResponse;
import dev.cairn.storeapi.pb.prometheus.ChunkedSeries;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.ReadRequest;
import dev.cairn.storeapi.pb.prometheus.ReadResponse;
import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.xerial.snappy.Snappy;

/**
 * Reads from a Prometheus remote read endpoint ({@code /api/v1/read}) with the headers Prometheus's
 * own client sends. {@link #readChunked} streams: memory stays bounded by one frame however much
 * the query matches.
 */
public final class RemoteReadClient {
    private static final String STREAMED_TYPE = "application/x-streamed-protobuf";

    private final HttpClient client;
    private final URI url;
    private final Duration timeout;

    public RemoteReadClient(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Receives streamed series in server order (sorted by labels within each query). */
    @FunctionalInterface
    public interface SeriesConsumer {
        /**
         * One frame's worth of one series. A series split over frames arrives in several calls with
         * equal labels, one after the other.
         */
        void accept(int queryIndex, ChunkedSeries series) throws IOException;
    }

    /**
     * Runs {@code req} asking for STREAMED_XOR_CHUNKS only, handing every series to {@code out} as
     * its frame arrives.
     *
     * @throws RemoteReadException when the server refuses, answers another type, or the stream is damaged
     */
    public void readChunked(ReadRequest req, SeriesConsumer out) throws IOException, InterruptedException {
        ReadRequest streamed = req.toBuilder().clearAcceptedResponseTypes()
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS).build();
        HttpResponse<InputStream> resp = client.send(request(streamed), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = resp.body()) {
            String type = resp.headers().firstValue("Content-Type").orElse("");
            if (resp.statusCode() != 200) {
                throw new RemoteReadException("remote read " + url + " answered " + resp.statusCode() + ": "
                        + errorText(body));
            }
            if (!type.startsWith(STREAMED_TYPE)) {
                throw new RemoteReadException("remote read " + url + " answered Content-Type " + type + ", not "
                        + STREAMED_TYPE + "; the server does not stream chunks (Prometheus 2.13 and later do)");
            }
            ChunkedFrameReader frames = new ChunkedFrameReader(body, url.toString(), ChunkedFrameReader.DEFAULT_MAX_FRAME);
            while (true) {
                long at = frames.offset();
                int n = frames.next();
                if (n < 0) {
                    return;
                }
                ChunkedReadResponse frame;
                try {
                    frame = ChunkedReadResponse.parseFrom(CodedInputStream.newInstance(frames.buffer(), 0, n));
                } catch (InvalidProtocolBufferException e) {
                    throw new RemoteReadException(url + ": remote read frame at byte " + at
                            + " is not a prometheus.ChunkedReadResponse: " + e.getMessage(), e);
                }
                if (frame.getQueryIndex() < 0 || frame.getQueryIndex() >= req.getQueriesCount()) {
                    throw new RemoteReadException(url + ": remote read frame at byte " + at + " answers query "
                            + frame.getQueryIndex() + " but the request had " + req.getQueriesCount());
                }
                for (ChunkedSeries s : frame.getChunkedSeriesList()) {
                    out.accept((int) frame.getQueryIndex(), s);
                }
            }
        }
    }

    /** Runs {@code req} with the SAMPLES answer type: one snappy-compressed ReadResponse. */
    public ReadResponse readSamples(ReadRequest req) throws IOException, InterruptedException {
        ReadRequest samples = req.toBuilder().clearAcceptedResponseTypes().build();
        HttpResponse<byte[]> resp = client.send(request(samples), HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() != 200) {
            throw new RemoteReadException("remote read " + url + " answered " + resp.statusCode() + ": "
                    + new String(resp.body(), StandardCharsets.UTF_8).trim());
        }
        try {
            return ReadResponse.parseFrom(Snappy.uncompress(resp.body()));
        } catch (IOException e) {
            throw new RemoteReadException("remote read " + url + ": answer is not a snappy-compressed "
                    + "prometheus.ReadResponse: " + e.getMessage(), e);
        }
    }

    /** Labels of a streamed series (servers send them sorted; we sort anyway to be safe). */
    public static Labels labels(ChunkedSeries s) {
        String[] kv = new String[s.getLabelsCount() * 2];
        for (int i = 0; i < s.getLabelsCount(); i++) {
            Label l = s.getLabels(i);
            kv[2 * i] = l.getName();
            kv[2 * i + 1] = l.getValue();
        }
        return Labels.of(kv);
    }

    private HttpRequest request(ReadRequest req) throws IOException {
        return HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .header("Accept-Encoding", "snappy")
                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .header("User-Agent", "cairn-remote-read")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
                .build();
    }

    private static String errorText(InputStream body) throws IOException {
        byte[] b = body.readNBytes(4096);
        return new String(b, StandardCharsets.UTF_8).trim();
    }
}
