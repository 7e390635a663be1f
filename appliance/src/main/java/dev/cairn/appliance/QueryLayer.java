package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.promql.QuerierFactory;

import dev.cairn.appliance.query.DamagedBlocks;
import dev.cairn.appliance.query.Endpoint;
import dev.cairn.appliance.query.EndpointInfo;
import dev.cairn.appliance.query.EndpointSet;
import dev.cairn.appliance.query.LocalQuerier;
import dev.cairn.appliance.query.QueryMetrics;
import dev.cairn.appliance.query.QueryOptions;
import dev.cairn.appliance.query.Queryable;
import dev.cairn.appliance.query.TlsSettings;
import dev.cairn.appliance.query.Warnings;
import dev.cairn.appliance.store.BucketStore;
import dev.cairn.appliance.store.ExternalLabelsQuerier;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Querier;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the appliance's queries read: the receiver's local data (one Db, or a Db per tenant), the bucket's blocks
 * ({@link BucketStore}) and the
 * configured StoreAPI endpoints
 * ({@code query.endpoints}) in one {@link EndpointSet}, fanned out and deduplicated by the replica labels
 * ({@link Queryable}). The endpoints' health is checked once before the appliance is ready (so the first
 * query already uses every endpoint that answers) and then every {@value #HEALTH_INTERVAL_MS} ms.
 */
final class QueryLayer implements AutoCloseable {
    static final long HEALTH_INTERVAL_MS = 10_000;
    private static final long INFO_TIMEOUT_MS = 5_000;
    private static final int FAN_OUT_THREADS = 16;

    private final ExecutorService pool;
    private final ScheduledExecutorService health;
    private final EndpointSet endpoints;
    private final List<StoreApiEndpoint> remotes;
    private final Queryable queryable;
    private final QueryOptions options;

    private QueryLayer(ExecutorService pool, ScheduledExecutorService health, EndpointSet endpoints,
                       List<StoreApiEndpoint> remotes, QueryOptions options, QueryMetrics metrics) {
        this.pool = pool;
        this.health = health;
        this.endpoints = endpoints;
        this.remotes = remotes;
        this.options = options;
        this.queryable = new Queryable(endpoints, pool, metrics);
    }

    /** The receiver's data for one query; damaged blocks are reported to {@code damaged}, not thrown. */
    interface LocalData {
        Querier querier(long mint, long maxt, DamagedBlocks damaged);
    }

    /**
     * @param localData the receiver's data: its Db read by {@link LocalQuerier}, or with tenants their merged querier
     * @param store the store gateway over the bucket, another endpoint; null for none
     * @param loops marks this appliance's StoreAPI calls so a stack that leads back to it is refused
     */
    static QueryLayer open(ApplianceConfig c, LocalData localData, BucketStore store, QueryLoopGuard loops)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(FAN_OUT_THREADS, daemon("cairn-query-fanout"));
        ScheduledExecutorService health = Executors.newSingleThreadScheduledExecutor(daemon("cairn-endpoint-health"));
        EndpointSet set = new EndpointSet(pool, INFO_TIMEOUT_MS, System::currentTimeMillis);
        // the local data, with the labels its blocks get when shipped (so that a series read partly from
        // here and partly from the bucket is one series), any time; tenants add their own label themselves
        Labels local = localLabels(c);
        // read block by block: a damaged block is left out with a warning naming it (DamagedBlocks)
        QueryMetrics metrics = new QueryMetrics();
        set.addStatic(Endpoint.reporting("local", w -> (mint, maxt) -> {
            DamagedBlocks damaged = new DamagedBlocks("local", w, metrics);
            return c.receive().tenancy().enabled() ? localData.querier(mint, maxt, damaged)
                    : ExternalLabelsQuerier.wrap(localData.querier(mint, maxt, damaged), local);
        },
                EndpointInfo::unbounded), TlsSettings.PLAINTEXT);
        if (store != null) {
            // unbounded: blocks come and go with each sync, and an empty answer from it costs nothing
            set.addStatic(Endpoint.reporting("bucket", w -> (mint, maxt) -> store.querier(mint, maxt,
                    new DamagedBlocks("bucket", w, metrics)), EndpointInfo::unbounded), TlsSettings.PLAINTEXT);
        }
        List<StoreApiEndpoint> remotes = new ArrayList<>();
        QueryOptions options = QueryOptions.defaults().withEndpointTimeout(c.query().timeout().toMillis())
                .withReplicaLabels(c.query().replicaLabels());
        QueryLayer layer = new QueryLayer(pool, health, set, remotes, options, metrics);
        try {
            for (ApplianceConfig.StoreEndpoint e : c.query().endpoints()) {
                StoreApiEndpoint remote = StoreApiEndpoint.connect(e, c.query().timeout(), loops);
                remotes.add(remote);
                set.addStatic(remote, e.tls() == null ? TlsSettings.PLAINTEXT
                        : new TlsSettings(true, e.tls().caFile().toString(),
                                e.tls().certFile() == null ? null : e.tls().certFile().toString(),
                                e.tls().keyFile() == null ? null : e.tls().keyFile().toString(), null, false));
            }
            set.refresh();
            set.start(health, HEALTH_INTERVAL_MS);
        } catch (IOException | RuntimeException e) {
            layer.close();
            throw e;
        }
        return layer;
    }

    /** The external labels of the receiver's blocks: {@code external_labels} and {@code receive_replica}. */
    static Labels localLabels(ApplianceConfig c) {
        Map<String, String> l = new LinkedHashMap<>(c.externalLabels());
        if (!c.receive().replica().isEmpty()) {
            l.put("receive_replica", c.receive().replica());
        }
        return Labels.of(l);
    }

    /** Queriers for one request; endpoints that fail add to {@code warnings} (partial response). */
    QuerierFactory queriers(Warnings warnings) {
        return queryable.factory(options, warnings);
    }

    /** The fan-out's per-endpoint latency and failures, for /metrics. */
    QueryMetrics metrics() {
        return queryable.metrics();
    }

    EndpointSet endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        endpoints.close();
        health.shutdownNow();
        pool.shutdownNow();
        for (StoreApiEndpoint r : remotes) {
            r.close();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
