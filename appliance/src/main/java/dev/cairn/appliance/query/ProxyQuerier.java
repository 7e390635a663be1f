package dev.cairn.appliance.query;

import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Fans a read out to every endpoint that can hold matching data (Thanos's ProxyStore) and merges the
 * answers into one label-sorted result.
 *
 * <p>Pruning: an endpoint is asked only when its time range overlaps [mint, maxt] and one of its
 * external label sets is compatible with the matchers (every matcher on a label of that set accepts
 * the set's value), as Thanos's LabelSetsMatch. Each endpoint is read on the shared, bounded pool:
 * the worker opens its querier, reads the whole answer into memory and closes it, so an endpoint
 * that does not finish within {@link QueryOptions#endpointTimeoutMs()} (counted from the fan-out's
 * start) is cancelled and counts as failed.
 *
 * <p>Failures: with partial responses on, a failed, timed-out or unhealthy endpoint adds a warning
 * naming it and the query answers from the others; with them off it throws {@link EndpointException}
 * naming the endpoint. An unhealthy endpoint whose last known info rules it out is skipped silently.
 * Warnings an endpoint reports itself (a stacked appliance or Thanos querier whose stores failed)
 * are handled the same way.
 *
 * <p>Merging: series with equal labels from several endpoints become one ({@link MergeSeriesSet}),
 * as the same block can be served by a sidecar and a store gateway at once.
 */
public final class ProxyQuerier implements Querier {
    private final List<EndpointStatus> endpoints;
    private final long mint;
    private final long maxt;
    private final ExecutorService pool;
    private final QueryOptions options;
    private final Warnings warnings;
    private final QueryMetrics metrics;

    public ProxyQuerier(List<EndpointStatus> endpoints, long mint, long maxt, ExecutorService pool,
                        QueryOptions options, Warnings warnings) {
        this(endpoints, mint, maxt, pool, options, warnings, new QueryMetrics());
    }

    /** @param metrics where each endpoint call's duration and failure is counted */
    public ProxyQuerier(List<EndpointStatus> endpoints, long mint, long maxt, ExecutorService pool,
                        QueryOptions options, Warnings warnings, QueryMetrics metrics) {
        this.metrics = metrics;
        this.endpoints = List.copyOf(endpoints);
        this.mint = mint;
        this.maxt = maxt;
        this.pool = pool;
        this.options = options;
        this.warnings = warnings;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return select(null, matchers);
    }

    /** Passes the hints on to every endpoint's querier (null: none, the plain select). */
    @Override
    public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        List<List<BufferedSeries>> answers = fanOut("select series", QueryMetrics.SELECT, matchers, q -> {
            List<BufferedSeries> out = new ArrayList<>();
            SeriesSet set = hints == null ? q.select(matchers) : q.select(hints, matchers);
            while (set.next()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("cancelled while reading series");
                }
                out.add(BufferedSeries.copyOf(set.at(), mint, maxt));
            }
            return out;
        });
        List<SeriesSet> sets = new ArrayList<>(answers.size());
        for (List<BufferedSeries> a : answers) {
            sets.add(new ListSeriesSet(a));
        }
        return sets.isEmpty() ? new ListSeriesSet(List.of()) : MergeSeriesSet.of(sets);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return union(fanOut("read values of label " + name, QueryMetrics.LABEL_VALUES, matchers, q -> q.labelValues(name, matchers)));
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return union(fanOut("read label names", QueryMetrics.LABEL_NAMES, matchers, q -> q.labelNames(matchers)));
    }

    @Override
    public void close() {
        // every endpoint's querier is closed by its worker
    }

    private static List<String> union(List<List<String>> lists) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return new ArrayList<>(out);
    }

    /** The answers of every endpoint asked that answered in time, in endpoint order. */
    private <T> List<T> fanOut(String what, String operation, List<Matcher> matchers, Function<Querier, T> call) {
        List<EndpointStatus> asked = new ArrayList<>();
        for (EndpointStatus s : endpoints) {
            if (s.info() != null && !canMatch(s.info(), mint, maxt, matchers)) {
                continue;
            }
            if (!s.healthy()) {
                metrics.endpointFailure(s.name(), "unhealthy");
                fail(s.name(), "endpoint " + s.name() + " is unhealthy (" + s.lastError() + "); its data is missing",
                        null);
                continue;
            }
            asked.add(s);
        }
        List<Future<T>> futures = new ArrayList<>(asked.size());
        try {
            for (EndpointStatus s : asked) {
                // the worker runs in the caller's gRPC context: a StoreAPI call that started this query
                // passes its path of appliances on to the calls the worker makes (QueryLoopGuard)
                long submitted = System.nanoTime();
                futures.add(pool.submit(io.grpc.Context.current().wrap(() -> {
                    // the endpoint's own partial response (its stores that failed) is ours too
                    try (Querier q = s.endpoint().queriers(w -> fail(s.name(), w, null)).querier(mint, maxt)) {
                        return call.apply(q);
                    } finally {
                        // queue wait included: a fan-out pool that is too small shows as slow endpoints
                        metrics.endpointCall(s.name(), operation, System.nanoTime() - submitted);
                    }
                })));
            }
        } catch (RejectedExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("query pool refused work: it is shut down or its queue is full", e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.endpointTimeoutMs());
        List<T> out = new ArrayList<>(asked.size());
        try {
            for (int i = 0; i < asked.size(); i++) {
                String name = asked.get(i).name();
                Future<T> f = futures.get(i);
                try {
                    out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    f.cancel(true);
                    metrics.endpointFailure(name, "timeout");
                    fail(name, "endpoint " + name + " did not " + what + " within " + options.endpointTimeoutMs()
                            + " ms; its data is missing", e);
                } catch (ExecutionException e) {
                    metrics.endpointFailure(name, "error");
                    fail(name, "endpoint " + name + " failed to " + what + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("query interrupted while waiting for endpoint " + name);
                }
            }
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
        return out;
    }

    private void fail(String endpoint, String message, Throwable cause) {
        if (!options.partialResponse()) {
            throw new EndpointException(endpoint, message + " (partial response is disabled)", cause);
        }
        warnings.add(message);
    }

    /** Whether an endpoint with {@code info} may hold series matching {@code matchers} in [mint, maxt]. */
    static boolean canMatch(EndpointInfo info, long mint, long maxt, List<Matcher> matchers) {
        if (!info.overlaps(mint, maxt)) {
            return false;
        }
        if (info.labelSets().isEmpty()) {
            return true;
        }
        for (Labels set : info.labelSets()) {
            if (labelSetMatches(set, matchers)) {
                return true;
            }
        }
        return false;
    }

    private static boolean labelSetMatches(Labels set, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            // a matcher on a label the set lacks is the endpoint's business, not decidable here
            if (set.has(m.name()) && !m.matches(set.get(m.name()))) {
                return false;
            }
        }
        return true;
    }
}
