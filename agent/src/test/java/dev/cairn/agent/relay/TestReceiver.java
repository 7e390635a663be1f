package dev.cairn.agent.relay;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.xerial.snappy.Snappy;

/**
 * Test downstream: a remote-write 1.0 receiver on 127.0.0.1 (the JDK's HTTP server, independent of
 * the relay's own Netty code) that decodes every body and records every sample it acknowledges,
 * keyed by (series, timestamp), with the value and how often it came. {@link #status} decides the
 * answer: 0 means "take it" (204); anything else is answered without recording.
 */
public final class TestReceiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    /** series + "@" + t → value bits. */
    public final Map<String, Long> values = new ConcurrentHashMap<>();
    public final Map<String, Integer> counts = new ConcurrentHashMap<>();
    public final AtomicLong samplesTaken = new AtomicLong();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger conflicts = new AtomicInteger();
    public volatile IntSupplier status = () -> 0;
    /** Sent as the Retry-After header with every non-2xx answer when not null. */
    public volatile String retryAfter;
    /** System.nanoTime() of every request's arrival, in order. */
    public final java.util.List<Long> arrivals = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    public TestReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(pool);
        server.createContext("/api/v1/write", ex -> {
            requests.incrementAndGet();
            arrivals.add(System.nanoTime());
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            int s = status.getAsInt();
            if (s != 0) {
                byte[] msg = ("test receiver answers " + s + "\n").getBytes();
                String ra = retryAfter;
                if (ra != null) {
                    ex.getResponseHeaders().set("Retry-After", ra);
                }
                ex.sendResponseHeaders(s, msg.length);
                ex.getResponseBody().write(msg);
                ex.close();
                return;
            }
            WriteRequest req = WriteRequest.parseFrom(Snappy.uncompress(body));
            for (TimeSeries ts : req.getTimeseriesList()) {
                String series = key(ts.getLabelsList());
                for (Sample sm : ts.getSamplesList()) {
                    record(series, sm.getTimestamp(), Double.doubleToRawLongBits(sm.getValue()));
                }
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    public TestReceiver() throws IOException {
        this(0);
    }

    private void record(String series, long t, long bits) {
        String k = series + "@" + t;
        Long prev = values.putIfAbsent(k, bits);
        if (prev != null && prev != bits) {
            conflicts.incrementAndGet();
        }
        counts.merge(k, 1, Integer::sum);
        samplesTaken.incrementAndGet();
    }

    public static String key(List<Label> labels) {
        StringBuilder sb = new StringBuilder("{");
        for (Label l : labels) {
            sb.append(l.getName()).append("=\"").append(l.getValue()).append("\",");
        }
        return sb.append('}').toString();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port() + "/api/v1/write");
    }

    /** Distinct (series, timestamp) pairs received. */
    public int distinct() {
        return values.size();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
