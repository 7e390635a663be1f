package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pb.thanos.InfoRequest;
import dev.cairn.storeapi.pb.thanos.InfoResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.tls.TlsFiles;
import dev.cairn.tsdb.storage.Querier;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A remote {@code thanos.Store} (a Cairn store, a Thanos sidecar or store gateway) as Cairn storage:
 * {@link #querier} gives a {@link Querier} whose series are streamed from the endpoint and whose XOR
 * chunks are decoded on the fly. One channel per client, shared by its queriers; thread-safe.
 * Every call has the client's timeout as its deadline; for Series that bounds the whole stream,
 * so it must cover reading the largest answer expected.
 */
public final class StoreApiClient implements QuerierFactory, Closeable {
    private final String endpoint;
    private final ManagedChannel channel;
    private final Duration timeout;

    /** A client over an existing channel (in-process tests and benchmarks); closing shuts it down. */
    public StoreApiClient(String endpoint, ManagedChannel channel, Duration timeout) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.timeout = timeout;
    }

    /**
     * Connects to {@code host:port} (lazily, at the first call).
     *
     * @param tls null for plaintext; else our certificate, key and the CA the server's must chain
     *            to ({@code certificate} null to present none)
     * @param interceptors run on every call, e.g. to add headers
     */
    public static StoreApiClient connect(String host, int port, TlsFiles tls, Duration timeout,
            ClientInterceptor... interceptors) throws IOException, PkiException {
        return connect(host, port, tls == null ? null : GrpcTls.client(tls), timeout, interceptors);
    }

    /** As {@link #connect(String, int, TlsFiles, Duration, ClientInterceptor...)} with a context from {@link GrpcTls#client}. */
    public static StoreApiClient connect(String host, int port, SslContext tls, Duration timeout,
            ClientInterceptor... interceptors) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(host, port)
                .maxInboundMessageSize(Integer.MAX_VALUE) // a series with many chunks is one message
                .intercept(interceptors);
        if (tls == null) {
            b.negotiationType(NegotiationType.PLAINTEXT);
        } else {
            b.sslContext(tls).negotiationType(NegotiationType.TLS);
        }
        return new StoreApiClient(host + ":" + port, b.build(), timeout);
    }

    String endpoint() {
        return endpoint;
    }

    /** The channel, for other services on the same endpoint (e.g. {@code thanos.info.Info}). */
    public io.grpc.Channel channel() {
        return channel;
    }

    StoreGrpc.StoreBlockingStub stub() {
        return StoreGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The store's Info: external labels, time range, type. */
    public InfoResponse info() {
        try {
            return stub().info(InfoRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            throw new StoreApiException(endpoint, "info", e);
        }
    }

    /** A querier that drops the store's warnings (see the other overload). */
    @Override
    public Querier querier(long mint, long maxt) {
        return new RemoteQuerier(this, mint, maxt, w -> { });
    }

    /** A querier passing on the warnings of the store's partial responses, prefixed with its address. */
    @Override
    public Querier querier(long mint, long maxt, Consumer<String> warnings) {
        return new RemoteQuerier(this, mint, maxt, warnings);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "StoreApiClient[" + endpoint + "]";
    }
}
