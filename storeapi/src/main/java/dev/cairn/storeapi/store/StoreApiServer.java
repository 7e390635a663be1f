package dev.cairn.storeapi.store;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server (Netty transport) for the StoreAPI and any other service given: plaintext, or
 * mutual TLS with a context from {@link GrpcTls#server}. Messages up to 64 MiB are accepted (a
 * Series request is small, but a proxy may send many matchers).
 */
public final class StoreApiServer implements Closeable {
    static final int MAX_MESSAGE = 64 << 20;

    private final Server server;

    private StoreApiServer(Server server) {
        this.server = server;
    }

    /**
     * Starts serving on {@code address} (port 0 picks a free one; see {@link #port()}).
     *
     * @param tls null for plaintext
     */
    public static StoreApiServer start(InetSocketAddress address, SslContext tls, BindableService... services)
            throws IOException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(address).maxInboundMessageSize(MAX_MESSAGE);
        if (tls != null) {
            b.sslContext(tls);
        }
        for (BindableService s : services) {
            b.addService(s);
        }
        try {
            return new StoreApiServer(b.build().start());
        } catch (IOException e) {
            throw new IOException("start the StoreAPI gRPC server on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The port bound. */
    public int port() {
        return server.getPort();
    }

    /** Stops taking calls, gives running ones up to 5 s, then cancels them. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
