package dev.cairn.appliance;

import dev.cairn.appliance.api.BuildInfo;
import dev.cairn.appliance.api.PrometheusApi;
import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.remotewrite.RemoteWriteSink;
import dev.cairn.storeapi.store.InfoApiService;
import dev.cairn.storeapi.store.StoreApiServer;
import dev.cairn.storeapi.store.StoreApiService;
import dev.cairn.storeapi.store.TimeRange;
import dev.cairn.storeapi.tls.TlsFiles;
import dev.cairn.tsdb.labels.Labels;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import dev.cairn.appliance.compact.BucketCompactor;
import dev.cairn.appliance.compact.CompactorConfig;
import dev.cairn.appliance.compact.CompactorRunner;
import dev.cairn.appliance.compact.FreeSpace;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigException;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.EngineOptions;
import dev.cairn.appliance.receive.BlockShipping;
import dev.cairn.appliance.receive.Receiver;
import dev.cairn.appliance.query.LocalQuerier;
import dev.cairn.appliance.receive.Tenants;
import dev.cairn.appliance.registry.AgentRegistry;
import dev.cairn.appliance.registry.AgentRoutes;
import dev.cairn.appliance.store.BucketStore;
import dev.cairn.appliance.ui.StatusUi;
import dev.cairn.appliance.pki.AgentPki;
import dev.cairn.appliance.web.BucketMetrics;
import dev.cairn.appliance.web.DiskSpaceMetrics;
import dev.cairn.appliance.web.HttpServer;
import dev.cairn.appliance.web.Routes;
import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.bucket.InstrumentedBucket;
import dev.cairn.tsdb.bucket.S3Bucket;

import java.io.Closeable;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The appliance process, wired top to bottom with constructors: the receiver's {@link Db} under
 * {@code <data_dir>/receive}, the {@link Receiver} writing into it, {@link BlockShipping} sending the
 * blocks the Db cuts every 30 s to the bucket (filesystem or S3, {@code bucket.type}), the bucket
 * compactor ({@link CompactorRunner}, on by default) on the same bucket, the query layer
 * ({@link QueryLayer}: the local Db, the store gateway over the bucket ({@link BucketStore}, synced every
 * {@code store.sync_interval}) and the configured StoreAPI endpoints, deduplicated by replica
 * labels) read by the PromQL {@link Engine} and the {@link PrometheusApi}, the StoreAPI gRPC server
 * serving that same merged view (so appliances stack), the agents' registry ({@link AgentStores}: heartbeats;
 * sidecar agents join the query fan-out; block uploads through the appliance, routes in {@link AgentRoutes}),
 * and one {@link HttpServer} for the rest.
 *
 * <p>With {@code receive.tenancy}, {@link Tenants} stands for the Db, the Receiver and BlockShipping: a Db per
 * tenant under the receive directory, routed by the tenant header on both remote-write ports.
 *
 * <p>A compactor halt stops only the compactor: it shows as {@code cairn_compactor_halted 1} on /metrics
 * while ingestion and queries go on.
 *
 * <p>Stop order (SIGTERM runs {@link #close()} from a shutdown hook): not ready; stop listening (HTTP,
 * then gRPC) and let requests in flight finish; stop the compactor (it releases the bucket lock); refuse
 * later writes; close the query layer, then the Db, which flushes and fsyncs the WAL, then the bucket.
 * A SIGKILL loses nothing that was acknowledged: a 204 is sent only after the WAL write returned under
 * the configured sync policy, and the next start replays the WAL.
 */
public final class ApplianceMain implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ApplianceMain.class.getName());
    private static final long SHIP_INTERVAL_MS = 30_000;

    private final ApplianceConfig config;
    private final Db db;
    private final Receiver receiver;
    private final HttpServer http;
    private final BlockShipping shipping;
    /** With {@code receive.tenancy}: a head per tenant, and db, receiver and shipping are null. */
    private final Tenants tenants;
    private final Thread shipLoop;
    private final CompactorRunner compactor;
    private final Bucket bucket;
    private final QueryLayer query;
    private final StoreApiServer grpc;
    private final AgentStores agents;
    private final BucketStore store;
    private volatile boolean ready;
    /** Routes other parts add to the HTTP port and to the agents' port (heartbeat, block upload, enrollment). */
    private final Routes httpRoutes;
    private final Routes agentRoutes;
    /** The agents' HTTPS port and its CA; null when {@code agents.listen} is empty. */
    private volatile HttpServer agentsServer;
    private volatile AgentPki pki;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ApplianceMain(ApplianceConfig config, Db db, Receiver receiver, HttpServer http, BlockShipping shipping,
                          Tenants tenants, CompactorRunner compactor, Bucket bucket, QueryLayer query, StoreApiServer grpc,
                          AgentStores agents, BucketStore store, Routes httpRoutes, Routes agentRoutes) {
        this.config = config;
        this.agents = agents;
        this.store = store;
        this.httpRoutes = httpRoutes;
        this.agentRoutes = agentRoutes;
        this.bucket = bucket;
        this.query = query;
        this.grpc = grpc;
        this.compactor = compactor;
        this.db = db;
        this.receiver = receiver;
        this.http = http;
        this.shipping = shipping;
        this.tenants = tenants;
        this.shipLoop = new Thread(this::shipLoop, "cairn-receive-shipper");
        this.shipLoop.setDaemon(true);
    }

    /** Ships cut blocks every {@link #SHIP_INTERVAL_MS}; the Db cuts them on its own compaction loop. */
    private void shipLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(SHIP_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            shipNow();
        }
    }

    /** A service whose calls are refused when they come from a query that passed through this appliance. */
    private static BindableService guarded(QueryLoopGuard loops, BindableService service) {
        return () -> ServerInterceptors.intercept(service, loops);
    }

    /** The StoreAPI listener's TLS files (renewals on disk are picked up), or null for plaintext. */
    private static TlsFiles grpcTls(ApplianceConfig c) {
        ApplianceConfig.ServerTls t = c.grpcTls();
        return t == null ? null : new TlsFiles(t.certFile(), t.keyFile(), t.clientCaFile());
    }

    /** Opens the storage (replaying the WAL), then starts listening; ready once both are done. */
    public static ApplianceMain start(ApplianceConfig c) throws IOException {
        long startMs = System.currentTimeMillis();
        DbOptions dbo = DbOptions.defaults()
                .withBlockRange(c.receive().blockDuration().toMillis())
                .withSyncPolicy(c.receive().walSync());
        Files.createDirectories(c.receiveDir());
        boolean tenancy = c.receive().tenancy().enabled();
        if (!tenancy) {
            Tenants.requireSingleLayout(c.receiveDir());
            BlockShipping.applyLocalRetention(c.receiveDir(), c.receive().localRetention().toMillis());
        }
        // one counted bucket for every user of it (shipping, store, compactor, uploads): cairn_bucket_* on /metrics
        InstrumentedBucket bucket = InstrumentedBucket.wrap(
                c.bucket().isS3() ? S3Bucket.open(c.bucket().s3()) : FilesystemBucket.open(c.bucketDir()));
        Map<String, String> external = new LinkedHashMap<>(c.externalLabels());
        if (!c.receive().replica().isEmpty()) {
            external.put("receive_replica", c.receive().replica());
        }
        Db db = null;
        Tenants tenants = null;
        try {
            if (tenancy) {
                tenants = Tenants.open(c.receiveDir(), dbo, c.receive().tenancy(),
                        c.receive().localRetention().toMillis(), bucket, external);
            } else {
                db = Db.open(c.receiveDir(), dbo);
            }
        } catch (IOException | RuntimeException e) {
            bucket.close();
            throw e;
        }
        Receiver receiver = db == null ? null : new Receiver(db);
        BlockShipping shipping = db == null ? null : new BlockShipping(c.receiveDir(), bucket, external);
        Closeable heads = db != null ? db : tenants;
        // Built now, started once the HTTP server listens: a halt shows on /metrics and stops nothing else.
        CompactorRunner compactor = c.compact().enabled()
                ? new CompactorRunner(BucketCompactor.create(bucket, compactorConfig(c), Clock.systemUTC(),
                        FreeSpace.FILE_STORE))
                : null;
        Engine engine = new Engine(EngineOptions.defaults()
                .withTimeout(c.query().timeout().toMillis())
                .withMaxSamples(c.query().maxSamples())
                .withLookbackDelta(c.query().lookbackDelta().toMillis()));
        // The store gateway: a first sync now, so that the bucket's blocks answer the first query; a failure
        // (bucket unreachable) must not keep receive from starting, the timer retries.
        BucketStore store = new BucketStore(bucket, c.store().cacheMaxBytes(), c.storeCacheDir());
        try {
            store.sync();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "store: first sync of bucket {0} failed, queries lack its blocks"
                    + " until a sync succeeds (every {1}): {2}", bucket.name(), c.store().syncInterval(), e.toString());
        }
        QueryLoopGuard loops = new QueryLoopGuard();
        QueryLayer query;
        try {
            Db single = db;
            query = QueryLayer.open(c, single != null ? (mint, maxt, damaged) -> new LocalQuerier(single, mint, maxt,
                    damaged) : tenants::querier, store, loops);
        } catch (IOException | RuntimeException e) {
            heads.close();
            bucket.close();
            throw e;
        }
        PrometheusApi api = new PrometheusApi(query::queriers, engine,
                new BuildInfo(version(), flags(c), startMs, c.receive().localRetention().toString()),
                System::currentTimeMillis);
        ApplianceMain[] self = new ApplianceMain[1];
        MetricsSource process = out -> {
            Runtime rt = Runtime.getRuntime();
            out.single("process_start_time_seconds", "gauge", "Start time of the process since the epoch, seconds.",
                    startMs / 1000.0);
            out.single("jvm_memory_heap_used_bytes", "gauge", "Heap in use.", rt.totalMemory() - rt.freeMemory());
            out.single("jvm_memory_heap_max_bytes", "gauge", "Largest heap the JVM may use.", rt.maxMemory());
            out.single("jvm_threads_live", "gauge", "Live threads.",
                    ManagementFactory.getThreadMXBean().getThreadCount());
        };
        List<Path> disks = new ArrayList<>(List.of(c.dataDir(), c.receiveDir()));
        if (!c.bucket().isS3()) {
            disks.add(c.bucketDir());
        }
        List<MetricsSource> metrics = new ArrayList<>(tenants != null ? List.of(tenants) : List.of(receiver, shipping));
        metrics.addAll(List.of(process, store, new BucketMetrics(bucket), new DiskSpaceMetrics(disks)));
        if (compactor != null) {
            metrics.add(out -> out.raw(compactor.status().metricsText()));
        }
        // agents: heartbeats into the registry (sidecars join the fan-out), block uploads into the bucket;
        // the routes are the same for the HTTP port and the agents' port
        AgentStores agents = new AgentStores(query.endpoints(), c.query().timeout(), loops);
        // the agents' routes (heartbeat, agents list, block upload) on both ports, as docs/agent-protocol.md says;
        // the UI only on the plain HTTP port
        Routes httpRoutes = new Routes();
        Routes agentRoutes = new Routes();
        AgentRoutes.mount(httpRoutes, agents.registry(), bucket);
        AgentRoutes.mount(agentRoutes, agents.registry(), bucket);
        // the status UI at / and its JSON (blocks, endpoints, compactor) beside the Prometheus API
        new StatusUi(bucket, query.endpoints(), compactor == null ? null : compactor.status(), store,
                System::currentTimeMillis)
                .mount(httpRoutes);
        metrics.add(agents.registry());
        metrics.add(api.metrics());
        metrics.add(query.metrics());
        HttpServer http;
        StoreApiServer grpc;
        try {
            Labels storeLabels = Labels.of(c.externalLabels());
            // The merged view (local data and endpoints, deduplicated), so that appliances and Thanos
            // queriers can stack on this one. Endpoints that failed are sent as the response's warnings.
            grpc = StoreApiServer.start(new InetSocketAddress(c.grpc().host(), c.grpc().port()), grpcTls(c),
                    StoreApiServer.DEFAULT_TLS_CHECK, guarded(loops, new StoreApiService(new MergedView(query), storeLabels,
                            () -> TimeRange.ALL, StoreType.QUERY)),
                    guarded(loops, new InfoApiService(storeLabels, () -> TimeRange.ALL, StoreType.QUERY)));
        } catch (PkiException e) {
            agents.close();
            query.close();
            heads.close();
            bucket.close();
            throw new IOException("grpc.tls: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            agents.close();
            query.close();
            heads.close();
            bucket.close();
            throw e;
        }
        try {
            http = new HttpServer(c.http().host(), c.http().port(), sink(receiver, tenants), api, metrics,
                    () -> self[0] != null && self[0].ready, c.receive().maxRequestBytes(),
                    httpWorkerThreads(), httpRoutes, c.dataDir().resolve("uploads"));
        } catch (IOException | RuntimeException e) {
            grpc.close();
            agents.close();
            query.close();
            heads.close();
            bucket.close();
            throw e;
        }
        ApplianceMain m = new ApplianceMain(c, db, receiver, http, shipping, tenants, compactor, bucket, query, grpc, agents, store,
                httpRoutes, agentRoutes);
        self[0] = m;
        m.shipLoop.start();
        store.start(c.store().syncInterval().toMillis());
        if (compactor != null) {
            compactor.start();
        }
        if (c.agents().enabled()) {
            try {
                m.startAgentsPort();
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
        }
        m.ready = true;
        LOG.log(System.Logger.Level.INFO, "Cairn appliance ready: data in {0}, HTTP on {1}:{2,number,#}, StoreAPI on"
                + " {3}:{4,number,#}", c.dataDir().toAbsolutePath(), c.http().host(), http.port(), c.grpc().host(),
                grpc.port());
        return m;
    }

    /**
     * The agents' port (docs/agent-protocol.md): the CA under {@code <data_dir>/pki} (created on first start), its
     * enrollment endpoints, and HTTPS with per-path client certificate checks, remote write into the same receiver.
     */
    private void startAgentsPort() throws IOException {
        pki = AgentPki.open(config, Clock.systemUTC());
        pki.register(agentRoutes);
        agentsServer = HttpServer.agents(config.agents().listen().host(), config.agents().listen().port(),
                sink(receiver, tenants),
                agentRoutes, pki.tlsPort(), config.receive().maxRequestBytes(),
                Math.max(4, Runtime.getRuntime().availableProcessors() * 2), config.dataDir().resolve("uploads-agents"));
        LOG.log(System.Logger.Level.INFO, "agents'' port (HTTPS, CA in {0}) on {1}:{2,number,#}", config.pkiDir(),
                config.agents().listen().host(), agentsServer.port());
    }

    public int httpPort() {
        return http.port();
    }

    /** The agents' HTTPS port bound; -1 when it is disabled. */
    public int agentsPort() {
        return agentsServer == null ? -1 : agentsServer.port();
    }

    /** Routes served on the plain HTTP port besides the Prometheus API (may be added while running). */
    public Routes httpRoutes() {
        return httpRoutes;
    }

    /**
     * Routes served on the agents' HTTPS port (may be added while running); every path but enroll and ca needs a
     * client certificate from the appliance CA, and the route reads its CN as {@code WebRequest.clientId()}.
     */
    public Routes agentRoutes() {
        return agentRoutes;
    }

    /** The agents' CA; null when the agents' port is disabled. */
    public AgentPki pki() {
        return pki;
    }

    /** Ships the blocks the Db (each tenant's, with tenancy) has cut now rather than at the next tick (tests). */
    public void shipNow() {
        if (tenants != null) {
            tenants.ship();
        } else {
            shipping.sync();
        }
    }

    /** Where remote write goes on both ports: the one receiver, or the tenants' (routed by the tenant header). */
    private static RemoteWriteSink sink(Receiver receiver, Tenants tenants) {
        return tenants != null ? tenants : receiver;
    }

    /** The receiver's storage to close: its Db, or every tenant's. */
    private Closeable heads() {
        return tenants != null ? tenants : db;
    }

    /** The tenants' heads; null unless {@code receive.tenancy} is on. */
    public Tenants tenants() {
        return tenants;
    }

    /** The StoreAPI gRPC port bound. */
    public int grpcPort() {
        return grpc.port();
    }

    /** The agents that report here (heartbeats), for tests and the UI. */
    public AgentRegistry agents() {
        return agents.registry();
    }

    /** The store gateway over the bucket's blocks. */
    public BucketStore store() {
        return store;
    }

    public ApplianceConfig config() {
        return config;
    }

    /** The receiver's Db; null with {@code receive.tenancy} on (see {@link #tenants()}). */
    public Db db() {
        return db;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public synchronized void close() throws IOException {
        if (stopped.getCount() == 0) {
            return;
        }
        ready = false;
        try {
            if (agentsServer != null) {
                agentsServer.close();
            }
            http.close();
            grpc.close();
            if (compactor != null) {
                try {
                    compactor.close(); // lets a run under way finish and releases the bucket lock
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (tenants != null) {
                tenants.stopWrites();
            } else {
                receiver.close();
            }
            shipLoop.interrupt();
            try {
                shipLoop.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            agents.close();
            query.close();
            store.close();
            heads().close();
            bucket.close();
        } finally {
            stopped.countDown();
        }
    }

    /** The compactor's settings from the {@code compact} section; the rest are Thanos's defaults. */
    static CompactorConfig compactorConfig(ApplianceConfig c) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        ApplianceConfig.Compact k = c.compact();
        return CompactorConfig.defaults(c.compactDir(), host + ":" + c.dataDir().toAbsolutePath())
                .withInterval(k.interval())
                .withRetention(k.retentionRaw(), k.retention5m(), k.retention1h());
    }

    /** The compactor's status, for tests and the UI; null when {@code compact.enabled} is false. */
    public CompactorRunner compactor() {
        return compactor;
    }

    private static Map<String, String> flags(ApplianceConfig c) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("data_dir", c.dataDir().toString());
        f.put("http.listen", c.http().toString());
        f.put("external_labels", c.externalLabels().toString());
        f.put("receive.dir", c.receiveDir().toString());
        f.put("receive.replica", c.receive().replica());
        f.put("receive.wal_sync", c.receive().walSync().name().toLowerCase(java.util.Locale.ROOT));
        f.put("receive.block_duration", c.receive().blockDuration().toString());
        f.put("receive.local_retention", c.receive().localRetention().toString());
        f.put("receive.max_request_bytes", Integer.toString(c.receive().maxRequestBytes()));
        f.put("receive.tenancy", Boolean.toString(c.receive().tenancy().enabled()));
        if (c.receive().tenancy().enabled()) {
            f.put("receive.tenant_header", c.receive().tenancy().header());
            f.put("receive.default_tenant", c.receive().tenancy().defaultTenant());
            f.put("receive.tenant_label", c.receive().tenancy().label());
        }
        f.put("bucket.type", c.bucket().type());
        if (c.bucket().isS3()) {
            f.put("bucket.s3.endpoint", String.valueOf(c.bucket().s3().endpoint()));
            f.put("bucket.s3.bucket", c.bucket().s3().bucket());
            f.put("bucket.s3.region", c.bucket().s3().region());
            f.put("bucket.s3.path_style", Boolean.toString(c.bucket().s3().pathStyle()));
        } else {
            f.put("bucket.filesystem.dir", c.bucketDir().toString());
        }
        f.put("query.timeout", c.query().timeout().toString());
        f.put("query.max_samples", Long.toString(c.query().maxSamples()));
        f.put("query.lookback_delta", c.query().lookbackDelta().toString());
        f.put("query.replica_labels", c.query().replicaLabels().toString());
        f.put("query.endpoints", c.query().endpoints().toString());
        f.put("grpc.listen", c.grpc().toString());
        f.put("store.sync_interval", c.store().syncInterval().toString());
        f.put("store.cache_max_size", Long.toString(c.store().cacheMaxBytes()));
        f.put("store.cache_dir", c.storeCacheDir().toString());
        if (c.grpcTls() != null) {
            f.put("grpc.tls.cert_file", c.grpcTls().certFile().toString());
            f.put("grpc.tls.key_file", c.grpcTls().keyFile().toString());
            f.put("grpc.tls.client_ca_file", String.valueOf(c.grpcTls().clientCaFile()));
        }
        f.put("compact.enabled", Boolean.toString(c.compact().enabled()));
        f.put("compact.dir", c.compactDir().toString());
        f.put("compact.interval", c.compact().interval().toString());
        f.put("compact.retention_raw", c.compact().retentionRaw().toString());
        f.put("compact.retention_5m", c.compact().retention5m().toString());
        f.put("compact.retention_1h", c.compact().retention1h().toString());
        f.put("agents.listen", c.agents().enabled() ? c.agents().listen().toString() : "");
        f.put("pki.dir", c.pkiDir().toString());
        f.put("pki.agent_certificate_lifetime", c.pki().agentCertificateLifetime().toString());
        return f;
    }

    static String version() {
        String v = ApplianceMain.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    /**
     * Runs the appliance until SIGTERM/SIGINT: {@code [--config FILE] [--data-dir DIR] [--http-address HOST:PORT]
     * [--grpc-address HOST:PORT] [--agents-address HOST:PORT]}.
     * The {@code cairn appliance} command does the same with picocli; this entry point lets tests start
     * the appliance as a child JVM from the module's own classpath.
     */
    public static void main(String[] args) throws Exception {
        Path config = null;
        Path dataDir = null;
        String http = null;
        String grpc = null;
        String agents = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                System.err.println("cairn appliance: " + a + " needs a value");
                System.exit(2);
            }
            switch (a) {
                case "--config" -> config = Path.of(args[++i]);
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--http-address" -> http = args[++i];
                case "--grpc-address" -> grpc = args[++i];
                case "--agents-address" -> agents = args[++i];
                default -> {
                    System.err.println("cairn appliance: unknown flag " + a);
                    System.exit(2);
                }
            }
        }
        ApplianceConfig c;
        try {
            c = ConfigLoader.load(config, dataDir, http, grpc, agents);
        } catch (ConfigException e) {
            System.err.println("cairn appliance: " + e.getMessage());
            System.exit(1);
            return;
        }
        run(c);
    }

    /** Starts the appliance, stops it cleanly on SIGTERM/SIGINT, and returns once it has stopped. */
    public static void run(ApplianceConfig c) throws IOException, InterruptedException {
        ApplianceMain m = start(c);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // java.util.logging resets its handlers in its own shutdown hook: report on stderr directly
            try {
                m.close();
                System.err.println("cairn appliance stopped; head flushed to the WAL in "
                        + m.config().receiveDir());
            } catch (IOException | RuntimeException e) {
                System.err.println("cairn appliance: stopping failed: " + e);
            }
        }, "cairn-appliance-shutdown"));
        System.out.println("cairn appliance listening on " + c.http().host() + ":" + m.httpPort());
        if (m.agentsPort() >= 0) {
            System.out.println("cairn appliance agents' port on " + c.agents().listen().host() + ":" + m.agentsPort());
        }
        System.out.flush();
        m.awaitStopped();
    }

    /**
     * Threads that run the HTTP handlers. A remote write waits in its handler for the WAL's group
     * fsync (receive.wal_sync: batch), so the threads are mostly waiting, not computing: with 4 of
     * them on 2 cores the receiver used 1.4 cores and took 0.72-0.79M samples/s in the receive bench,
     * with 16 it took 1.03-1.06M (CAIRN_BENCH_APPLIANCE_ONLY=1 scripts/bench-receive.sh --paced-steps 0,
     * alternating runs).
     */
    static int httpWorkerThreads() {
        return Math.max(16, Runtime.getRuntime().availableProcessors() * 4);
    }
}
