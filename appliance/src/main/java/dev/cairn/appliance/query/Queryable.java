package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.tsdb.storage.Querier;

import java.util.concurrent.ExecutorService;

/**
 * The query layer as PromQL sees it: per query, a {@link QuerierFactory} whose queriers fan out over
 * the endpoint set's current endpoints ({@link ProxyQuerier}) and deduplicate HA replicas
 * ({@link DedupQuerier}) when replica labels are given. Warnings of partial responses go to the
 * {@link Warnings} handed in, for the API to return beside the result.
 */
public final class Queryable {
    private final EndpointSet endpoints;
    private final ExecutorService pool;
    private final QueryMetrics metrics;

    /** @param pool bounded pool the fan-out runs on (threads = how many endpoint calls run at once) */
    public Queryable(EndpointSet endpoints, ExecutorService pool) {
        this(endpoints, pool, new QueryMetrics());
    }

    /** @param metrics counts each endpoint call's duration and failures ({@code cairn_query_endpoint_*}) */
    public Queryable(EndpointSet endpoints, ExecutorService pool, QueryMetrics metrics) {
        this.endpoints = endpoints;
        this.pool = pool;
        this.metrics = metrics;
    }

    public QueryMetrics metrics() {
        return metrics;
    }

    /** Queriers for one query under {@code options}; failures become warnings in {@code warnings}. */
    public QuerierFactory factory(QueryOptions options, Warnings warnings) {
        return (mint, maxt) -> {
            Querier proxy = new ProxyQuerier(endpoints.statuses(), mint, maxt, pool, options, warnings, metrics);
            return options.replicaLabels().isEmpty() ? proxy : new DedupQuerier(proxy, options.replicaLabels());
        };
    }
}
