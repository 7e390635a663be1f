package dev.cairn.storeapi.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Netty server requiring client certificates (ClientAuth.REQUIRE) against clients holding a
 * certificate from the CA, from another CA, an expired one, or none. Both sides' views are checked:
 * a handshake only counts as passed when the server saw the client's name.
 */
class MutualTlsHandshakeTest {
    private static final Instant NOW = Instant.now();

    @TempDir
    static Path dir;

    private static CertificateAuthority ca;
    private static EventLoopGroup group;
    private static Channel server;
    private static final BlockingQueue<String> serverSeen = new ArrayBlockingQueue<>(16);

    private static TlsFiles issue(CertificateAuthority by, String name, Set<Usage> usages, Instant from, Instant to,
            Path trusted) throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        var cert = by.issue(keys.getPublic(), new LeafSpec(name, List.of("localhost"), List.of("127.0.0.1"), usages,
                from, to));
        Path certFile = dir.resolve(name + ".pem");
        Path keyFile = dir.resolve(name + ".key");
        Pem.writeCertificates(certFile, cert);
        Pem.writePrivateKey(keyFile, keys.getPrivate());
        return new TlsFiles(certFile, keyFile, trusted);
    }

    @BeforeAll
    static void startServer() throws Exception {
        ca = CertificateAuthority.create("Cairn mTLS test CA", KeyAlgorithm.EC_P256, NOW.minus(1, ChronoUnit.DAYS),
                NOW.plus(365, ChronoUnit.DAYS));
        Path caPem = dir.resolve("ca.pem");
        Pem.writeCertificates(caPem, ca.certificate());
        TlsFiles serverFiles = issue(ca, "appliance", Set.of(Usage.SERVER), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem);
        SslContext sslContext = TlsContexts.mutualTlsServer(serverFiles);
        group = new NioEventLoopGroup(2);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = sslContext.newHandler(ch.alloc());
                        ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                if (evt instanceof SslHandshakeCompletionEvent e) {
                                    serverSeen.add(e.isSuccess()
                                            ? "ok " + PeerIdentity.commonName(ssl.engine().getSession())
                                                    + " " + ssl.engine().getSession().getProtocol()
                                            : "failed " + e.cause());
                                }
                                super.userEventTriggered(ctx, evt);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    /** Handshakes with {@code ctx}; returns the client's outcome, and the server's, as strings. */
    private static String[] handshake(SslContext ctx) throws Exception {
        serverSeen.clear();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        SslHandler[] holder = new SslHandler[1];
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        holder[0] = TlsContexts.clientHandler(ctx, c.alloc(), "127.0.0.1", port);
                        c.pipeline().addLast(holder[0]);
                    }
                }).connect("127.0.0.1", port).sync().channel();
        Future<Channel> f = holder[0].handshakeFuture();
        assertTrue(f.await(10, TimeUnit.SECONDS), "client handshake did not finish in 10 s");
        String client = f.isSuccess() ? "ok" : "failed " + f.cause();
        if (f.isSuccess()) {
            // TLS 1.3: the server checks the client certificate after the client thinks it is done; a
            // round trip makes the server's verdict arrive before we read it
            ch.writeAndFlush(ch.alloc().buffer().writeByte(1));
        }
        String srv = serverSeen.poll(10, TimeUnit.SECONDS);
        ch.close().sync();
        return new String[] {client, srv};
    }

    private static Path caPem() {
        return dir.resolve("ca.pem");
    }

    @Test
    void handshake_clientCertFromOurCa_succeedsAndServerSeesItsName() throws Exception {
        TlsFiles agent = issue(ca, "agent-ok", Set.of(Usage.CLIENT), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem());
        String[] r = handshake(TlsContexts.client(agent));
        assertEquals("ok", r[0]);
        assertEquals("ok agent-ok TLSv1.3", r[1]);
    }

    @Test
    void handshake_tls12Client_alsoSucceeds() throws Exception {
        TlsFiles agent = issue(ca, "agent-tls12", Set.of(Usage.CLIENT), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem());
        SslContext tls12 = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.2")
                .keyManager(Pem.readPrivateKey(agent.privateKey()),
                        Pem.readCertificates(agent.certificate()).toArray(new java.security.cert.X509Certificate[0]))
                .trustManager(ca.certificate()).build();
        String[] r = handshake(tls12);
        assertEquals("ok", r[0]);
        assertEquals("ok agent-tls12 TLSv1.2", r[1]);
    }

    @Test
    void handshake_clientCertFromAnotherCa_fails() throws Exception {
        // Same name as our CA, different key: otherwise the JDK client, seeing the server ask for
        // certificates from "Cairn mTLS test CA", would send none and we would not test the server.
        CertificateAuthority other = CertificateAuthority.create("Cairn mTLS test CA", KeyAlgorithm.EC_P256,
                NOW.minus(1, ChronoUnit.DAYS), NOW.plus(1, ChronoUnit.DAYS));
        TlsFiles rogue = issue(other, "agent-rogue", Set.of(Usage.CLIENT), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem());
        String[] r = handshake(TlsContexts.client(rogue));
        assertServerRefused(r, "PKIX path");
    }

    @Test
    void handshake_expiredClientCert_fails() throws Exception {
        TlsFiles old = issue(ca, "agent-expired", Set.of(Usage.CLIENT), NOW.minus(10, ChronoUnit.DAYS),
                NOW.minus(1, ChronoUnit.DAYS), caPem());
        String[] r = handshake(TlsContexts.client(old));
        assertServerRefused(r, "validity check failed");
    }

    @Test
    void handshake_noClientCert_fails() throws Exception {
        SslContext anonymous = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2").trustManager(ca.certificate()).build();
        String[] r = handshake(anonymous);
        assertServerRefused(r, "Empty client certificate chain");
    }

    @Test
    void handshake_serverNameMismatch_isRefusedByClient() throws Exception {
        TlsFiles agent = issue(ca, "agent-name", Set.of(Usage.CLIENT), NOW.minus(1, ChronoUnit.HOURS),
                NOW.plus(30, ChronoUnit.DAYS), caPem());
        SslContext ctx = TlsContexts.client(agent);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        SslHandler[] holder = new SslHandler[1];
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        // the server's certificate names localhost and 127.0.0.1, not this
                        holder[0] = TlsContexts.clientHandler(ctx, c.alloc(), "appliance.example", port);
                        c.pipeline().addLast(holder[0]);
                    }
                }).connect("127.0.0.1", port).sync().channel();
        Future<Channel> f = holder[0].handshakeFuture();
        assertTrue(f.await(10, TimeUnit.SECONDS));
        assertFalse(f.isSuccess(), "client accepted a server certificate without the name it dialled");
        ch.close().sync();
    }

    private static void assertServerRefused(String[] r, String why) {
        assertTrue(r[1] != null && r[1].startsWith("failed"), "server verdict: " + r[1] + " (client: " + r[0] + ")");
        assertTrue(r[1].contains(why), "server refused for another reason than " + why + ": " + r[1]);
    }
}
