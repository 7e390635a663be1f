package dev.cairn.appliance;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Arrays;
import java.util.UUID;

/**
 * Keeps stacked appliances from querying themselves: A with B as an endpoint and B with A (or A
 * with itself) would otherwise fan each query out for ever, until timeouts. Every StoreAPI call an
 * appliance makes carries the header {@value #HEADER}: the ids of the appliances the query has
 * passed through, its own last. An appliance that finds its own id there refuses the call
 * (FAILED_PRECONDITION, saying which endpoint closes the loop), so the caller drops that endpoint
 * with a warning and answers from the others; its health check (Info) is refused the same way, so
 * the status page shows the loop.
 *
 * <p>The path of an incoming call travels to the calls it causes in gRPC's {@link Context}; the
 * query layer's fan-out hands the context to its worker threads. Thanos components ignore the header.
 */
final class QueryLoopGuard implements ServerInterceptor, ClientInterceptor {
    static final String HEADER = "cairn-query-path";
    private static final Metadata.Key<String> PATH = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> INCOMING = Context.key(HEADER);

    private final String id;

    QueryLoopGuard() {
        this(UUID.randomUUID().toString());
    }

    QueryLoopGuard(String id) {
        this.id = id;
    }

    /** This appliance's id on query paths: random per process. */
    String id() {
        return id;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String path = headers.get(PATH);
        if (path != null && Arrays.asList(path.split(",")).contains(id)) {
            call.close(Status.FAILED_PRECONDITION.withDescription("query loop: this appliance (" + id
                    + ") is already on the query's path [" + path + "]; an endpoint in query.endpoints leads back to"
                    + " it, remove it"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(INCOMING, path), call, headers, next);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String incoming = INCOMING.get();
        String path = incoming == null || incoming.isEmpty() ? id : incoming + "," + id;
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(PATH, path);
                super.start(listener, headers);
            }
        };
    }
}
