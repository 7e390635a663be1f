package dev.cairn.storeapi.remotewrite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test support: a remote write endpoint on 127.0.0.1 and a free port, collecting what it receives. */
public final class RemoteWriteTestServer implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel channel;
    private final List<DecodedSeries> received = new ArrayList<>();

    private final boolean tls;

    public RemoteWriteTestServer(int maxDecompressed) throws InterruptedException {
        this(maxDecompressed, null);
    }

    /** With {@code ssl} non-null the endpoint speaks HTTPS with that context (e.g. mutual TLS). */
    public RemoteWriteTestServer(int maxDecompressed, SslContext ssl) throws InterruptedException {
        this.tls = ssl != null;
        RemoteWriteSink sink = series -> {
            synchronized (received) {
                received.addAll(series);
            }
        };
        int maxCompressed = new RemoteWriteDecoder(maxDecompressed).maxCompressed();
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(maxCompressed),
                                new RemoteWriteHandler("/api/v1/write", sink, maxDecompressed));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public RemoteWriteTestServer() throws InterruptedException {
        this(RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED);
    }

    public URI url() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + a.getPort() + "/api/v1/write");
    }

    /** A copy of every series received so far. */
    public List<DecodedSeries> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
