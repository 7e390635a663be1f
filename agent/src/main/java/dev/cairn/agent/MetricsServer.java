package dev.cairn.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's /metrics, /-/healthy and /-/ready when no relay runs (mode {@code sidecar}), on
 * {@code http.listen}: scrapes are rare and small, so the JDK's built-in server with one thread is enough.
 * With a relay, the relay's port serves the same families.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService thread;

    MetricsServer(String host, int port, Supplier<String> metrics) throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " for /metrics (" + e.getMessage()
                    + "); set http.listen to a free address", e);
        }
        server.createContext("/metrics", x -> answer(x, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/-/healthy", x -> answer(x, 200, "text/plain; charset=utf-8", "Cairn agent is Healthy.\n"));
        server.createContext("/-/ready", x -> answer(x, 200, "text/plain; charset=utf-8", "Cairn agent is Ready.\n"));
        server.createContext("/", x -> answer(x, 404, "text/plain; charset=utf-8", "404 page not found\n"));
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-agent-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.start();
    }

    private static void answer(HttpExchange x, int status, String type, String body) throws IOException {
        try (x) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            boolean head = x.getRequestMethod().equals("HEAD");
            x.sendResponseHeaders(status, head ? -1 : b.length);
            if (!head) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(b);
                }
            }
        }
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
