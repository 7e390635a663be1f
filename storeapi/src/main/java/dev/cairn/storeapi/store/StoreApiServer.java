package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.tls.ReloadingSslContext;
import dev.cairn.storeapi.tls.TlsFiles;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server (Netty transport) for the StoreAPI and any other service given: plaintext, or
 * mutual TLS with a context from {@link GrpcTls#server}, or from PEM files that are followed while
 * the server runs ({@link #start(InetSocketAddress, TlsFiles, Duration, BindableService...)}).
 * Messages up to 64 MiB are accepted (a Series request is small, but a proxy may send many matchers).
 */
public final class StoreApiServer implements Closeable {
    static final int MAX_MESSAGE = 64 << 20;

    /** How often, at most, new connections look for renewed certificate files. */
    public static final Duration DEFAULT_TLS_CHECK = Duration.ofSeconds(2);

    private final Server server;
    private final ReloadingSslContext tls;

    private StoreApiServer(Server server, ReloadingSslContext tls) {
        this.server = server;
        this.tls = tls;
    }

    /**
     * Starts serving with mutual TLS from {@code files} (plaintext when null), whose certificate,
     * key and CA may be replaced on disk while the server runs: a new connection uses the newest
     * files, checked at most once per {@code checkEvery}; open connections keep theirs. Files that
     * do not work together (a renewed certificate whose key is not written yet) leave the previous
     * ones in use; {@link #tlsError()} says why.
     *
     * @throws PkiException when the files are not usable at start
     */
    public static StoreApiServer start(InetSocketAddress address, TlsFiles files, Duration checkEvery,
            BindableService... services) throws IOException, PkiException {
        if (files == null) {
            return start(address, (SslContext) null, services);
        }
        ReloadingSslContext tls = new ReloadingSslContext(files, GrpcTls::server);
        return start(address, tls.asSslContext(checkEvery), tls, services);
    }

    /**
     * Starts serving on {@code address} (port 0 picks a free one; see {@link #port()}).
     *
     * @param tls null for plaintext
     */
    public static StoreApiServer start(InetSocketAddress address, SslContext tls, BindableService... services)
            throws IOException {
        return start(address, tls, null, services);
    }

    private static StoreApiServer start(InetSocketAddress address, SslContext tls, ReloadingSslContext reloading,
            BindableService... services) throws IOException {
        NettyServerBuilder b = NettyServerBuilder.forAddress(address).maxInboundMessageSize(MAX_MESSAGE);
        if (tls != null) {
            b.sslContext(tls);
        }
        for (BindableService s : services) {
            b.addService(s);
        }
        try {
            return new StoreApiServer(b.build().start(), reloading);
        } catch (IOException e) {
            throw new IOException("start the StoreAPI gRPC server on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why the TLS files on disk now cannot be used (the previous ones still are), or null when
     * they are in use or there is no TLS. Looks at the files, so a changed set is judged at once.
     */
    public String tlsError() {
        if (tls == null) {
            return null;
        }
        tls.current();
        return tls.lastError();
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
