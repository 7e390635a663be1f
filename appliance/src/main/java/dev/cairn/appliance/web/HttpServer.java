package dev.cairn.appliance.web;

import dev.cairn.appliance.api.PrometheusApi;
import dev.cairn.storeapi.remotewrite.RemoteWriteDecoder;
import dev.cairn.storeapi.remotewrite.RemoteWriteHandler;
import dev.cairn.storeapi.remotewrite.RemoteWriteSink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The appliance's HTTP port: remote write ({@code /api/v1/receive} as Thanos Receive names it and
 * {@code /api/v1/write} as Prometheus does), the Prometheus HTTP API, {@code /metrics},
 * {@code /-/healthy} and {@code /-/ready}. Netty event loops only parse and write; the handlers run on
 * a separate worker group because they block (WAL fsync, queries), each connection pinned to one
 * worker so its requests are answered in order.
 */
public final class HttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup io = new NioEventLoopGroup(2);
    private final EventExecutorGroup workers;
    private final Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final InFlightRequests inFlight = new InFlightRequests();

    /**
     * Binds and starts serving.
     *
     * @param ready  whether {@code /-/ready} answers 200 (503 while starting or stopping)
     * @param maxRequestBytes the decompressed bound of a remote write body
     * @throws IOException when the address cannot be bound (in use, not local), with the address
     */
    public HttpServer(String host, int port, RemoteWriteSink sink, PrometheusApi api, List<MetricsSource> metrics,
                      BooleanSupplier ready, int maxRequestBytes, int workerThreads) throws IOException {
        this(host, port, sink, api, metrics, ready, maxRequestBytes, workerThreads, new Routes(), null, null);
    }

    /**
     * As above, also serving {@code routes} (checked before the Prometheus API); upload bodies are spooled to
     * files in {@code spoolDir} (emptied here: what is left there is from a crash), or refused when it is null.
     */
    public HttpServer(String host, int port, RemoteWriteSink sink, PrometheusApi api, List<MetricsSource> metrics,
                      BooleanSupplier ready, int maxRequestBytes, int workerThreads, Routes routes, Path spoolDir)
            throws IOException {
        this(host, port, sink, api, metrics, ready, maxRequestBytes, workerThreads, routes, null, spoolDir);
    }

    /**
     * The agents' port: HTTPS with the client certificate checked per path ({@link TlsPort}), serving remote write
     * into {@code sink} (the same receiver as the HTTP port) and {@code routes}; no Prometheus API, /metrics or UI.
     */
    public static HttpServer agents(String host, int port, RemoteWriteSink sink, Routes routes, TlsPort tls,
                                    int maxRequestBytes, int workerThreads, Path spoolDir) throws IOException {
        return new HttpServer(host, port, sink, null, List.of(), () -> true, maxRequestBytes, workerThreads, routes,
                tls, spoolDir);
    }

    private HttpServer(String host, int port, RemoteWriteSink sink, PrometheusApi api, List<MetricsSource> metrics,
                       BooleanSupplier ready, int maxRequestBytes, int workerThreads, Routes routes, TlsPort tls,
                       Path spoolDir) throws IOException {
        if (spoolDir != null) {
            clearSpool(spoolDir);
        }
        this.workers = new DefaultEventExecutorGroup(workerThreads);
        int maxCompressed = new RemoteWriteDecoder(maxRequestBytes).maxCompressed();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.context().get().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast("in-flight", inFlight.handler());
                        if (spoolDir != null) {
                            // on the event loop; an upload's file writes go to one worker, in order
                            ch.pipeline().addLast("uploads", new UploadSpooler(routes, spoolDir, workers.next(), tls));
                        }
                        ch.pipeline()
                                .addLast(new HttpObjectAggregator(Math.max(maxCompressed, 1 << 20)))
                                .addLast(workers, "router", new Router(api, metrics, ready, routes, tls))
                                .addLast(workers, "remote-write",
                                        new RemoteWriteHandler(Router.WRITE_PATH, sink, maxRequestBytes));
                    }
                });
        try {
            this.channel = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another http address or stop what uses it", e);
        }
        LOG.log(System.Logger.Level.INFO, (tls == null ? "HTTP" : "agents' HTTPS") + " server listening on {0}",
                channel.localAddress());
    }

    private static void clearSpool(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "upload-*.part")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** The port actually bound (useful when 0 was asked for). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops listening and waits (bounded) for the requests in flight to be answered. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        if (!inFlight.awaitIdle(10, TimeUnit.SECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "{0} request(s) still unanswered after 10 s at shutdown; closing their "
                    + "connections (their senders retry)", inFlight.count());
        }
        // close connections while loops and workers still run, so their teardown has somewhere to run
        connections.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        shutdownGroups();
    }

    /**
     * Event loops first: closing their connections removes the handlers, which runs on the workers,
     * so the workers must outlive them. A request still running on a worker completes in the
     * receiver (acknowledged or not); its answer may not reach the sender, which then retries, and
     * an exact duplicate sample is ignored.
     */
    private void shutdownGroups() {
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 10, TimeUnit.SECONDS).awaitUninterruptibly(15, TimeUnit.SECONDS);
    }
}
