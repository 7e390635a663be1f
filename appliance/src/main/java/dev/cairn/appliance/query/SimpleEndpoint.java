package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.QuerierFactory;

import java.util.function.Supplier;

/** {@link Endpoint#of}: an endpoint made of a name, a querier factory and an info source. */
record SimpleEndpoint(String name, QuerierFactory queriers, Supplier<EndpointInfo> infoSource) implements Endpoint {
    @Override
    public EndpointInfo info() {
        return infoSource.get();
    }

    @Override
    public String toString() {
        return name;
    }
}
