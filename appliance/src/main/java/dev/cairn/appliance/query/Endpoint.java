package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.QuerierFactory;

import java.util.function.Consumer;

/**
 * One place series can be read from: a Thanos/Cairn StoreAPI (sidecar, store gateway, receive), a
 * Prometheus remote read, a local head or block. Implementations must be thread-safe: the
 * {@link EndpointSet} calls {@link #info()} from its health checker while queries open queriers.
 */
public interface Endpoint {
    /** A stable, unique name for warnings, errors and the status page (usually its address). */
    String name();

    /**
     * Opens a querier over [mint, maxt]. Series it returns carry the endpoint's external labels, as
     * a StoreAPI's do. Called from a query worker thread; may block on the network.
     */
    QuerierFactory queriers();

    /**
     * As {@link #queriers()}, with the endpoint's own partial-response warnings (a stacked querier
     * whose stores failed) passed to {@code warnings}. Endpoints that never answer partially ignore it.
     */
    default QuerierFactory queriers(Consumer<String> warnings) {
        return queriers();
    }

    /**
     * Asks the endpoint what it holds. Called periodically; throwing marks the endpoint unhealthy
     * until a later call succeeds.
     *
     * @throws RuntimeException (e.g. {@link java.io.UncheckedIOException}) when it cannot be reached
     */
    EndpointInfo info();

    /**
     * An in-process endpoint whose queriers report warnings of their own (damaged blocks left out):
     * {@code queriers} gets the query's warning sink and returns that query's querier factory.
     */
    static Endpoint reporting(String name, java.util.function.Function<Consumer<String>, QuerierFactory> queriers,
                              java.util.function.Supplier<EndpointInfo> info) {
        return new Endpoint() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public QuerierFactory queriers() {
                return queriers.apply(w -> { });
            }

            @Override
            public QuerierFactory queriers(Consumer<String> warnings) {
                return queriers.apply(warnings);
            }

            @Override
            public EndpointInfo info() {
                return info.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** An endpoint from its parts, for static or in-process endpoints. */
    static Endpoint of(String name, QuerierFactory queriers, java.util.function.Supplier<EndpointInfo> info) {
        return new SimpleEndpoint(name, queriers, info);
    }
}
