package dev.cairn.storeapi.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * A Netty {@link SslContext} for servers that take one fixed context (gRPC's NettyServerBuilder):
 * each new connection's engine comes from the {@link ReloadingSslContext}'s newest context, its
 * files checked at most once per {@code checkNanos}. Connections already open keep their engine.
 * Every context a ReloadingSslContext builds comes from the same factory, so the settings asked
 * of this one (client or server, ALPN, ciphers) are those of the current context.
 */
final class FollowingSslContext extends SslContext {
    private static final System.Logger LOG = System.getLogger(FollowingSslContext.class.getName());

    private final ReloadingSslContext source;
    private final long checkNanos;
    private SslContext current;
    private long checkedAt;
    private String reported;

    FollowingSslContext(ReloadingSslContext source, long checkNanos) {
        this.source = source;
        this.checkNanos = checkNanos;
        this.current = source.current();
        this.checkedAt = System.nanoTime();
    }

    private synchronized SslContext context() {
        long now = System.nanoTime();
        if (now - checkedAt >= checkNanos) {
            checkedAt = now;
            SslContext next = source.current();
            String error = source.lastError();
            if (next != current) {
                LOG.log(System.Logger.Level.INFO, "TLS files " + source.files() + " changed; new connections use them");
            }
            if (error != null && !error.equals(reported)) {
                LOG.log(System.Logger.Level.WARNING, error);
            }
            reported = error;
            current = next;
        }
        return current;
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc) {
        return context().newEngine(alloc);
    }

    @Override
    public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return context().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public boolean isClient() {
        return context().isClient();
    }

    @Override
    public List<String> cipherSuites() {
        return context().cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return context().applicationProtocolNegotiator();
    }

    @Override
    public SSLSessionContext sessionContext() {
        return context().sessionContext();
    }
}
