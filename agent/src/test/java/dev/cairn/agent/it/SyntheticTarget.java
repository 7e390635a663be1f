package dev.cairn.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scrape target on 127.0.0.1 with {@code series} gauges {@code cairn_it_synthetic{idx="0".."n-1"}},
 * every value changing at each scrape, so a Prometheus scraping it every second writes that many
 * samples a second (Prometheus's own /metrics alone is under a thousand series).
 */
final class SyntheticTarget implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong scrapes = new AtomicLong();

    SyntheticTarget(int series) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/metrics", ex -> {
            long n = scrapes.incrementAndGet();
            StringBuilder b = new StringBuilder(series * 40);
            b.append("# TYPE cairn_it_synthetic gauge\n");
            for (int i = 0; i < series; i++) {
                b.append("cairn_it_synthetic{idx=\"").append(i).append("\"} ").append(n * 10_000L + i).append('\n');
            }
            byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    long scrapes() {
        return scrapes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
