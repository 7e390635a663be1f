package dev.cairn.appliance.api;

import dev.cairn.appliance.query.LatencyHistogram;
import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;

/**
 * Latency of the Prometheus HTTP API as Prometheus measures its own: per handler and status code
 * ({@code prometheus_http_request_duration_seconds}), and the PromQL evaluation alone, instant or range
 * ({@code prometheus_engine_query_duration_seconds}), so a slow dashboard tells a slow store from a
 * heavy expression.
 */
public final class ApiMetrics implements MetricsSource {
    private final LatencyHistogram requests = new LatencyHistogram("cairn_http_request_duration_seconds",
            "Time to answer a Prometheus API request, by handler (the path, /api/v1/label/:name/values for label"
                    + " values) and HTTP status code.", "handler", "code");
    private final LatencyHistogram queries = new LatencyHistogram("cairn_query_duration_seconds",
            "Time to evaluate a PromQL query (parse, fan-out reads and evaluation; not the JSON encoding), by type"
                    + " (instant, range).", "type");

    ApiMetrics() {
        // the series Grafana panels and alerts select exist before the first query
        requests.touch("/api/v1/query", "200");
        requests.touch("/api/v1/query_range", "200");
        queries.touch("instant");
        queries.touch("range");
    }

    void request(String handler, int code, long nanos) {
        requests.observeNanos(nanos, handler, Integer.toString(code));
    }

    void query(String type, long nanos) {
        queries.observeNanos(nanos, type);
    }

    /** Requests timed so far for a handler and code (tests). */
    public long requests(String handler, int code) {
        return requests.count(handler, Integer.toString(code));
    }

    /** Queries of {@code type} timed so far (tests). */
    public long queries(String type) {
        return queries.count(type);
    }

    @Override
    public void writeMetrics(MetricsText out) {
        requests.write(out);
        queries.write(out);
    }
}
