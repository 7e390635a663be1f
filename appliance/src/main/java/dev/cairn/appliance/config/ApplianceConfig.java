package dev.cairn.appliance.config;

import dev.cairn.tsdb.wal.SyncPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The appliance's whole configuration, immutable. Defaults live in one place, {@link #defaults()},
 * and {@code docs/appliance.example.yaml} shows each of them; {@link ConfigLoader} overlays a YAML file
 * and the command-line flags on them and validates everything before anything starts.
 *
 * @param dataDir  state directory: {@code receive/} (WAL, head, blocks not yet shipped) and, by
 *                 default, {@code bucket/}
 * @param http     the HTTP listener (Prometheus API, remote write, /metrics)
 * @param cluster  external label {@code cluster} on every block this appliance ships
 * @param receive  the remote write receiver
 * @param bucket   where blocks go
 */
public record ApplianceConfig(Path dataDir, Http http, String cluster, Receive receive, Bucket bucket) {
    public ApplianceConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(receive, "receive");
        Objects.requireNonNull(bucket, "bucket");
    }

    /** Data under ./data, HTTP on 127.0.0.1:10902, 2h blocks, BATCH fsync, filesystem bucket. */
    public static ApplianceConfig defaults() {
        return new ApplianceConfig(Path.of("data"), new Http("127.0.0.1", 10902), "cairn",
                new Receive("", SyncPolicy.BATCH, Duration.ofHours(2), Duration.ofHours(6), 32 << 20),
                new Bucket("filesystem", null));
    }

    /** Where the receiver keeps its TSDB (one per tenant below it when tenants are on). */
    public Path receiveDir() {
        return dataDir.resolve("receive");
    }

    /** The filesystem bucket's directory: configured, or {@code <data_dir>/bucket}. */
    public Path bucketDir() {
        return bucket.directory() != null ? bucket.directory() : dataDir.resolve("bucket");
    }

    public ApplianceConfig withDataDir(Path d) {
        return new ApplianceConfig(d, http, cluster, receive, bucket);
    }

    public ApplianceConfig withHttp(Http h) {
        return new ApplianceConfig(dataDir, h, cluster, receive, bucket);
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
     * @param replica         external label {@code receive_replica} of the blocks this receiver cuts
     * @param walSync         when the WAL fsyncs before a write is acknowledged
     * @param blockDuration   width of the blocks cut from the head (2h, as Prometheus and Thanos)
     * @param localRetention  how long cut blocks stay on local disk once shipped
     * @param maxRequestBytes largest remote write body accepted, decompressed (larger: 413)
     */
    public record Receive(String replica, SyncPolicy walSync, Duration blockDuration, Duration localRetention,
                          int maxRequestBytes) {
        public Receive {
            Objects.requireNonNull(replica, "replica");
            Objects.requireNonNull(walSync, "walSync");
            Objects.requireNonNull(blockDuration, "blockDuration");
            Objects.requireNonNull(localRetention, "localRetention");
        }
    }

    /**
     * @param type      {@code filesystem} (the embedded default) or {@code s3}
     * @param directory the filesystem bucket's root; null for {@code <data_dir>/bucket}
     */
    public record Bucket(String type, Path directory) {
        public Bucket {
            Objects.requireNonNull(type, "type");
        }
    }
}
