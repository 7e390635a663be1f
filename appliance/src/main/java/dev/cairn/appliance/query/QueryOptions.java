package dev.cairn.appliance.query;

import java.util.List;

/**
 * Per-query settings of the query layer.
 *
 * @param endpointTimeoutMs how long one endpoint may take to answer a select/label call
 * @param partialResponse   whether a failing endpoint becomes a warning (true) or fails the query
 * @param replicaLabels     label names that tell HA replicas apart; series differing only in these are
 *                          deduplicated (empty: no deduplication)
 */
public record QueryOptions(long endpointTimeoutMs, boolean partialResponse, List<String> replicaLabels) {
    public QueryOptions {
        if (endpointTimeoutMs <= 0) {
            throw new IllegalArgumentException("endpoint timeout must be positive, got " + endpointTimeoutMs + " ms");
        }
        replicaLabels = List.copyOf(replicaLabels);
    }

    /** Thanos's defaults: 2 min per endpoint, partial response on, replica labels as Cairn's agents set them. */
    public static QueryOptions defaults() {
        return new QueryOptions(120_000, true, List.of("replica", "prometheus_replica", "receive_replica"));
    }

    public QueryOptions withPartialResponse(boolean on) {
        return new QueryOptions(endpointTimeoutMs, on, replicaLabels);
    }

    public QueryOptions withEndpointTimeout(long ms) {
        return new QueryOptions(ms, partialResponse, replicaLabels);
    }

    public QueryOptions withReplicaLabels(List<String> names) {
        return new QueryOptions(endpointTimeoutMs, partialResponse, names);
    }
}
