package dev.cairn.agent.relay;

import dev.cairn.storeapi.remotewrite.RemoteWriteDecoder;
import dev.cairn.storeapi.remotewrite.RemoteWriteHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The relay's HTTP endpoint: remote write (1.0 and 2.0) at {@code /api/v1/write} through the
 * relay's {@link FastWriteHandler} (Prometheus's usual requests, straight into the queue) or else
 * the storeapi {@link RemoteWriteHandler} (which answers 204 only after the sink returned, i.e. after
 * the fsync), plus {@code /metrics}, {@code /-/healthy} and {@code /-/ready}. The remote-write
 * handler runs on its own executor group because the sink blocks on fsync; concurrent requests
 * from Prometheus's shards then share group commits.
 */
final class RelayServer implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers = new NioEventLoopGroup(2);
    private final EventExecutorGroup sinkThreads = new DefaultEventExecutorGroup(16);
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel channel;

    RelayServer(String host, int port, DiskQueue sink, Supplier<String> metrics) throws IOException {
        int maxCompressed = new RemoteWriteDecoder().maxCompressed();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(maxCompressed),
                                new Router(metrics));
                        // the fast path first; what it does not take goes through the full decoder
                        ch.pipeline().addLast(sinkThreads, new FastWriteHandler(sink,
                                RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED), new RemoteWriteHandler(sink));
                    }
                });
        try {
            channel = b.bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot listen for remote write on " + host + ":" + port + ": " + e.getMessage()
                    + "; is another agent running, or is relay.listen_address wrong?", e);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting; requests in progress finish (their fsync completes) before the groups stop. */
    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        // Close connections while both executor groups still run, so each pipeline is torn down
        // where its handlers live; a request being stored finishes first (its handler's task runs on).
        connections.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        // All groups at once, with a quiet period: a pipeline's last events hop between the worker
        // loop and the sink executor, so neither may terminate while the other still hands it work.
        var b = boss.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS);
        var w = workers.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS);
        var s = sinkThreads.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS);
        b.syncUninterruptibly();
        w.syncUninterruptibly();
        s.syncUninterruptibly();
    }

    /** Answers the small GET endpoints itself and passes everything else on to remote write. */
    private static final class Router extends ChannelInboundHandlerAdapter {
        private final Supplier<String> metrics;

        Router(Supplier<String> metrics) {
            this.metrics = metrics;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest req)) {
                ctx.fireChannelRead(msg);
                return;
            }
            String path = new QueryStringDecoder(req.uri()).path();
            String body;
            String type = "text/plain; charset=utf-8";
            switch (path) {
                case "/metrics" -> {
                    body = metrics.get();
                    type = "text/plain; version=0.0.4; charset=utf-8";
                }
                case "/-/healthy" -> body = "cairn agent is healthy.\n";
                case "/-/ready" -> body = "cairn agent is ready.\n";
                default -> {
                    ctx.fireChannelRead(msg);
                    return;
                }
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            ReferenceCountUtil.release(req);
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            HttpUtil.setContentLength(resp, content.readableBytes());
            if (keepAlive) {
                ctx.writeAndFlush(resp);
            } else {
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
