package dev.cairn.appliance.config;

import dev.cairn.tsdb.bucket.S3Config;
import dev.cairn.tsdb.wal.SyncPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * The appliance's whole configuration, immutable. Defaults live in one place, {@link #defaults()},
 * and {@code docs/appliance.example.yaml} shows each of them; {@link ConfigLoader} overlays a YAML file
 * and the command-line flags on them and validates everything before anything starts.
 *
 * <p>The YAML layout is the one the packages and the Puppet module write
 * ({@code packaging/src/pkg/appliance/appliance.yaml}); sections of parts not built yet (store, log,
 * agents.heartbeat_timeout, and ca, the older spelling of pki) are accepted with their documented keys and
 * not used yet.
 *
 * @param dataDir        state directory: {@code receive/} (WAL, head, blocks not yet shipped) and, by
 *                       default, {@code bucket/}
 * @param http           the HTTP listener (Prometheus API, remote write, /metrics)
 * @param externalLabels labels of this appliance (e.g. {@code cluster}) on every block it ships
 * @param receive        the remote write receiver
 * @param bucket         where blocks go
 * @param grpc           the StoreAPI gRPC listener (the appliance's merged view, for Thanos or another appliance)
 * @param query          PromQL limits, replica labels and the StoreAPI endpoints queried beside the local data
 * @param compact        the bucket compactor
 * @param store          the store gateway over the bucket's blocks
 * @param agents         the agents' HTTPS port (mTLS): remote write, enrollment, heartbeats
 * @param pki            the CA that signs the agents' certificates
 * @param grpcTls        TLS of the StoreAPI gRPC listener ({@code grpc.tls}); null for plaintext
 */
public record ApplianceConfig(Path dataDir, Http http, Http grpc, Map<String, String> externalLabels, Receive receive,
                              Bucket bucket, Query query, Compact compact, Store store, Agents agents, Pki pki,
                              ServerTls grpcTls) {
    public ApplianceConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(grpc, "grpc");
        externalLabels = Collections.unmodifiableMap(new TreeMap<>(externalLabels));
        Objects.requireNonNull(receive, "receive");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(pki, "pki");
    }


    /** Labels that tell HA replicas apart: Prometheus HA pairs, Cairn's agents and receivers. */
    public static final List<String> DEFAULT_REPLICA_LABELS = List.of("replica", "prometheus_replica", "receive_replica");

    /** Data under ./data, HTTP on 127.0.0.1:10902, 2h blocks, BATCH fsync, filesystem bucket. */
    public static ApplianceConfig defaults() {
        return new ApplianceConfig(Path.of("data"), new Http("127.0.0.1", 10902), new Http("127.0.0.1", 10901), Map.of(),
                new Receive(null, "", SyncPolicy.BATCH, Duration.ofHours(2), Duration.ofHours(6), 32 << 20,
                        Tenancy.OFF),
                new Bucket("filesystem", null, null),
                new Query(Duration.ofMinutes(2), 50_000_000L, Duration.ofMinutes(5), DEFAULT_REPLICA_LABELS, List.of()),
                new Compact(true, null, Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofDays(180), Duration.ZERO),
                Store.defaults(), new Agents(null, List.of()), new Pki(null, null, Duration.ofDays(90)), null);
    }

    /** Where the receiver keeps its TSDB: configured, or {@code <data_dir>/receive}. */
    public Path receiveDir() {
        return receive.dir() != null ? receive.dir() : dataDir.resolve("receive");
    }

    /** The filesystem bucket's directory: configured, or {@code <data_dir>/bucket}. */
    public Path bucketDir() {
        return bucket.directory() != null ? bucket.directory() : dataDir.resolve("bucket");
    }

    /** The compactor's scratch directory: configured, or {@code <data_dir>/compact}. */
    public Path compactDir() {
        return compact.dir() != null ? compact.dir() : dataDir.resolve("compact");
    }

    public ApplianceConfig withDataDir(Path d) {
        return new ApplianceConfig(d, http, grpc, externalLabels, receive, bucket, query, compact, store, agents, pki, grpcTls);
    }

    public ApplianceConfig withHttp(Http h) {
        return new ApplianceConfig(dataDir, h, grpc, externalLabels, receive, bucket, query, compact, store, agents, pki, grpcTls);
    }

    public ApplianceConfig withGrpc(Http g) {
        return new ApplianceConfig(dataDir, http, g, externalLabels, receive, bucket, query, compact, store, agents, pki, grpcTls);
    }

    public ApplianceConfig withQuery(Query q) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, bucket, q, compact, store, agents, pki, grpcTls);
    }

    public ApplianceConfig withBucket(Bucket b) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, b, query, compact, store, agents, pki, grpcTls);
    }

    public ApplianceConfig withCompact(Compact c) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, bucket, query, c, store, agents, pki, grpcTls);
    }

    public ApplianceConfig withAgents(Agents a) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, bucket, query, compact, store, a, pki, grpcTls);
    }

    public ApplianceConfig withPki(Pki p) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, bucket, query, compact, store, agents, p, grpcTls);
    }

    /** The CA's directory: configured, or {@code <data_dir>/pki}. */
    public Path pkiDir() {
        return pki.dir() != null ? pki.dir() : dataDir.resolve("pki");
    }

    /**
     * The agents' port ({@code agents} section).
     *
     * @param listen      where it listens; null when disabled (the embedded default: the README's run.sh puts an
     *                    agent's relay on 127.0.0.1:19291 of the same host; the packaged config enables it)
     * @param serverNames DNS names and IP literals in the port's server certificate; empty for the host name,
     *                    localhost and 127.0.0.1
     * @param clientCaFile PEM file of further CAs whose client certificates the port accepts besides its own CA's
     *                     (e.g. Puppet's CA, so agents can present the host's Puppet certificate); null for none
     */
    public record Agents(Http listen, List<String> serverNames, Path clientCaFile) {
        public Agents {
            serverNames = List.copyOf(serverNames);
        }

        public Agents(Http listen, List<String> serverNames) {
            this(listen, serverNames, null);
        }

        public boolean enabled() {
            return listen != null;
        }
    }

    /**
     * The agents' certificate authority ({@code pki} section).
     *
     * @param dir                      its directory; null for {@code <data_dir>/pki}
     * @param enrollmentTokenFile      bootstrap tokens, one a line ({@code #} comments), read at each enrollment;
     *                                 null: enrollment refused (agents may still use certificates issued otherwise)
     * @param agentCertificateLifetime validity of an issued agent certificate; agents renew at two thirds of it
     */
    public record Pki(Path dir, Path enrollmentTokenFile, Duration agentCertificateLifetime) {
        public Pki {
            Objects.requireNonNull(agentCertificateLifetime, "agentCertificateLifetime");
        }
    }

    public ApplianceConfig withStore(Store st) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, bucket, query, compact, st, agents, pki, grpcTls);
    }

    /**
     * The store gateway ({@code store} section).
     *
     * @param syncInterval  how often the list of blocks is read from the bucket
     * @param cacheMaxBytes bound on the in-memory cache of postings, series and chunks read from the bucket
     * @param cacheDir      where blocks' index headers are kept between starts; null for {@code <data_dir>/cache}
     */
    public record Store(Duration syncInterval, long cacheMaxBytes, Path cacheDir) {
        public Store {
            Objects.requireNonNull(syncInterval, "syncInterval");
        }

        public static Store defaults() {
            return new Store(Duration.ofMinutes(1), 512L << 20, null);
        }
    }

    /** The store gateway's cache directory: configured, or {@code <data_dir>/cache}. */
    public Path storeCacheDir() {
        return store.cacheDir() != null ? store.cacheDir() : dataDir.resolve("cache");
    }

    public ApplianceConfig withGrpcTls(ServerTls t) {
        return new ApplianceConfig(dataDir, http, grpc, externalLabels, receive, bucket, query, compact, store, agents, pki, t);
    }

    /**
     * @param host address to bind (127.0.0.1 by default: expose it on purpose)
     * @param port TCP port, 0 for any free one
     */
    public record Http(String host, int port) {
        public Http {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * @param dir             the receiver's TSDB directory; null for {@code <data_dir>/receive}
     * @param replica         external label {@code receive_replica} of the blocks this receiver cuts
     * @param walSync         when the WAL fsyncs before a write is acknowledged
     * @param blockDuration   width of the blocks cut from the head (2h, as Prometheus and Thanos)
     * @param localRetention  how long cut blocks stay on local disk once shipped
     * @param maxRequestBytes largest remote write body accepted, decompressed (larger: 413)
     * @param tenancy         one head per tenant, as Thanos Receive's multi-tenancy; {@link Tenancy#OFF} for one head
     */
    public record Receive(Path dir, String replica, SyncPolicy walSync, Duration blockDuration, Duration localRetention,
                          int maxRequestBytes, Tenancy tenancy) {
        public Receive {
            Objects.requireNonNull(replica, "replica");
            Objects.requireNonNull(walSync, "walSync");
            Objects.requireNonNull(blockDuration, "blockDuration");
            Objects.requireNonNull(localRetention, "localRetention");
            Objects.requireNonNull(tenancy, "tenancy");
        }
    }

    /**
     * Thanos Receive's tenants ({@code receive.tenancy} and the keys beside it): each remote write request names its
     * tenant in a header, each tenant gets its own head, WAL and blocks under {@code <receive.dir>/<tenant>}, and
     * its series an external label.
     *
     * @param enabled       one head per tenant; off: one head for everything, no tenant label (the layout before tenants)
     * @param header        request header naming the tenant ({@code THANOS-TENANT}, as Thanos's {@code --receive.tenant-header})
     * @param defaultTenant the tenant of requests without the header (Thanos's {@code --receive.default-tenant-id})
     * @param label         external label carrying the tenant on blocks and query results (Thanos's {@code --receive.tenant-label-name})
     */
    public record Tenancy(boolean enabled, String header, String defaultTenant, String label) {
        public static final Tenancy OFF = new Tenancy(false, "THANOS-TENANT", "default-tenant", "tenant_id");

        public Tenancy {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(defaultTenant, "defaultTenant");
            Objects.requireNonNull(label, "label");
        }
    }

    /**
     * @param type      {@code filesystem} (the embedded default) or {@code s3}
     * @param directory the filesystem bucket's root ({@code bucket.filesystem.dir}); null for {@code <data_dir>/bucket}
     * @param s3        the S3 bucket ({@code bucket.s3}); set exactly when {@code type} is {@code s3}
     */
    public record Bucket(String type, Path directory, S3Config s3) {
        public Bucket {
            Objects.requireNonNull(type, "type");
            if (type.equals("s3") != (s3 != null)) {
                throw new IllegalArgumentException("bucket.s3 settings go with bucket.type s3 (type " + type + ")");
            }
        }

        public boolean isS3() {
            return s3 != null;
        }
    }

    /**
     * The bucket compactor ({@code compact} section). Retention {@link Duration#ZERO} keeps data for ever.
     *
     * @param enabled      false: this appliance does not compact (another one sharing the bucket does)
     * @param dir          scratch directory; null for {@code <data_dir>/compact}
     * @param interval     time between the end of one run and the start of the next
     * @param retentionRaw how long raw blocks are kept
     * @param retention5m  how long 5m-downsampled blocks are kept
     * @param retention1h  how long 1h-downsampled blocks are kept
     */
    public record Compact(boolean enabled, Path dir, Duration interval, Duration retentionRaw, Duration retention5m,
                          Duration retention1h) {
        public Compact {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(retentionRaw, "retentionRaw");
            Objects.requireNonNull(retention5m, "retention5m");
            Objects.requireNonNull(retention1h, "retention1h");
        }
    }

    /**
     * @param timeout       longest evaluation of one query
     * @param maxSamples    most samples one query may hold at once
     * @param lookbackDelta how far back an instant selector looks
     * @param replicaLabels labels that tell HA replicas apart; series differing only in them are merged
     * @param endpoints     StoreAPI endpoints (Thanos sidecars, stores, other appliances) queried beside the
     *                      local data
     */
    public record Query(Duration timeout, long maxSamples, Duration lookbackDelta, List<String> replicaLabels,
                        List<StoreEndpoint> endpoints) {
        public Query {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(lookbackDelta, "lookbackDelta");
            replicaLabels = List.copyOf(replicaLabels);
            endpoints = List.copyOf(endpoints);
        }

        public Query withEndpoints(List<StoreEndpoint> e) {
            return new Query(timeout, maxSamples, lookbackDelta, replicaLabels, e);
        }
    }

    /**
     * A static StoreAPI endpoint ({@code query.endpoints[]}).
     *
     * @param host host name or address
     * @param port gRPC port
     * @param tls  null for plaintext; else mutual TLS with these files
     */
    public record StoreEndpoint(String host, int port, Tls tls) {
        public StoreEndpoint {
            Objects.requireNonNull(host, "host");
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + (tls == null ? "" : " (TLS)");
        }
    }

    /**
     * TLS of a listener ({@code grpc.tls}): the server's certificate and key, and the CA that client
     * certificates must chain to; without a client CA, clients need no certificate.
     *
     * @param certFile     the server's certificate (leaf first, then intermediates)
     * @param keyFile      its private key
     * @param clientCaFile null: no client certificates asked; else mutual TLS, clients of this CA only
     */
    public record ServerTls(Path certFile, Path keyFile, Path clientCaFile) {
        public ServerTls {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }

    /**
     * PEM files of one side of a TLS connection.
     *
     * @param certFile own certificate (null to present none)
     * @param keyFile  its private key (null with certFile)
     * @param caFile   CA the peer's certificate must chain to
     */
    public record Tls(Path certFile, Path keyFile, Path caFile) {
        public Tls {
            Objects.requireNonNull(caFile, "caFile");
        }
    }
}
