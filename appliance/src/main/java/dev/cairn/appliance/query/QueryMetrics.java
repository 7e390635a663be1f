package dev.cairn.appliance.query;

import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fan-out's own metrics: how long each endpoint took to answer each kind of call, how often an endpoint
 * failed (error, timeout, unhealthy), and how many reads of a damaged block were left out of an answer.
 * An appliance asks several stores for one query; these tell which one is slow or broken.
 */
public final class QueryMetrics implements MetricsSource {
    /** Kinds of fan-out call ({@code operation} label). */
    public static final String SELECT = "select";
    public static final String LABEL_NAMES = "label_names";
    public static final String LABEL_VALUES = "label_values";

    private final LatencyHistogram endpointDuration = new LatencyHistogram("cairn_query_endpoint_duration_seconds",
            "Time one endpoint took to answer one fan-out call, by endpoint and operation (select, label_names,"
                    + " label_values); failed calls included.", "endpoint", "operation");
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> corruptReads = new ConcurrentHashMap<>();

    /** Counts one endpoint call of {@code operation} that took {@code nanos}. */
    public void endpointCall(String endpoint, String operation, long nanos) {
        endpointDuration.observeNanos(nanos, endpoint, operation);
    }

    /** Counts one failed endpoint call; {@code reason} is error, timeout or unhealthy. */
    public void endpointFailure(String endpoint, String reason) {
        failures.computeIfAbsent(endpoint + "\u0000" + reason, k -> new LongAdder()).increment();
    }

    /** Counts one read of a damaged block left out of an answer; {@code source} is local or bucket. */
    public void corruptBlockRead(String source) {
        corruptReads.computeIfAbsent(source, k -> new LongAdder()).increment();
    }

    /** Calls of {@code operation} to {@code endpoint} timed so far (tests). */
    public long endpointCalls(String endpoint, String operation) {
        return endpointDuration.count(endpoint, operation);
    }

    /** Damaged-block reads counted for {@code source} (tests). */
    public long corruptBlockReads(String source) {
        LongAdder a = corruptReads.get(source);
        return a == null ? 0 : a.sum();
    }

    @Override
    public void writeMetrics(MetricsText out) {
        endpointDuration.write(out);
        out.family("cairn_query_endpoint_failures_total", "counter", "Fan-out calls to an endpoint that failed, by"
                + " endpoint and reason (error, timeout, unhealthy); with partial responses each is a query warning.");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(failures).entrySet()) {
            int z = e.getKey().indexOf('\u0000');
            out.sample("cairn_query_endpoint_failures_total", e.getValue().sum(),
                    "endpoint", e.getKey().substring(0, z), "reason", e.getKey().substring(z + 1));
        }
        out.family("cairn_query_corrupt_block_reads_total", "counter", "Reads of a damaged block (bad index, chunk or"
                + " checksum) left out of a query's answer with a warning, by source (local, bucket).");
        for (String source : new String[] {"local", "bucket"}) {
            LongAdder a = corruptReads.get(source);
            out.sample("cairn_query_corrupt_block_reads_total", a == null ? 0 : a.sum(), "source", source);
        }
    }
}
