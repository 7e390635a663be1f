package dev.cairn.agent.config;

import dev.cairn.tsdb.bucket.S3Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code sidecar} section: used when {@code mode} is {@code sidecar} or {@code relay+sidecar}.
 *
 * @param prometheusUrl     the local Prometheus (status API and remote read)
 * @param prometheusDataDir its TSDB directory, whose finished blocks the shipper uploads
 * @param grpcHost          where the StoreAPI listens
 * @param grpcPort          its port; 0 picks a free one (tests)
 * @param advertiseAddress  the {@code host:port} the appliance dials, sent in the heartbeat; empty: the
 *                          listen address, with a wildcard host replaced by the appliance with the
 *                          address the heartbeat came from
 * @param upload            where blocks go
 * @param bucket            the bucket for {@link Upload#BUCKET}; null otherwise
 * @param shipInterval      how often the shipper looks for new blocks
 * @param shipperState      where the shipper records what it uploaded; null: {@code <data_dir>/shipper.json}
 */
public record SidecarConfig(URI prometheusUrl, Path prometheusDataDir, String grpcHost, int grpcPort,
                            String advertiseAddress, Upload upload, BucketConfig bucket, Duration shipInterval,
                            Path shipperState) {
    public SidecarConfig {
        Objects.requireNonNull(prometheusUrl, "prometheusUrl");
        Objects.requireNonNull(prometheusDataDir, "prometheusDataDir");
        Objects.requireNonNull(grpcHost, "grpcHost");
        Objects.requireNonNull(advertiseAddress, "advertiseAddress");
        Objects.requireNonNull(upload, "upload");
        Objects.requireNonNull(shipInterval, "shipInterval");
        if (upload == Upload.BUCKET && bucket == null) {
            throw new IllegalArgumentException("sidecar.upload: bucket needs a sidecar.bucket section");
        }
    }

    /** Where the shipper uploads finished blocks. */
    public enum Upload {
        /** {@code PUT /api/v1/agents/blocks/...} on the appliance, which writes to its bucket: no credentials here. */
        APPLIANCE,
        /** Straight into a bucket of this agent's own configuration. */
        BUCKET,
        /** No shipping (StoreAPI only, e.g. a short-retention Prometheus of an HA pair). */
        NONE
    }

    /** A bucket as the appliance's {@code bucket} section spells it: a directory, or S3 (s3 non-null). */
    public record BucketConfig(Path filesystemDir, S3Config s3) {
        public BucketConfig {
            if ((filesystemDir == null) == (s3 == null)) {
                throw new IllegalArgumentException("a bucket is a filesystem directory or S3, exactly one");
            }
        }
    }

    static SidecarConfig defaults() {
        return new SidecarConfig(URI.create("http://127.0.0.1:9090"), Path.of("/var/lib/prometheus/metrics2"),
                "0.0.0.0", 10901, "", Upload.APPLIANCE, null, Duration.ofSeconds(30), null);
    }

    public SidecarConfig withPrometheus(URI url, Path dataDir) {
        return new SidecarConfig(url, dataDir, grpcHost, grpcPort, advertiseAddress, upload, bucket, shipInterval, shipperState);
    }

    public SidecarConfig withGrpc(String host, int port) {
        return new SidecarConfig(prometheusUrl, prometheusDataDir, host, port, advertiseAddress, upload, bucket,
                shipInterval, shipperState);
    }

    public SidecarConfig withUpload(Upload u, BucketConfig b) {
        return new SidecarConfig(prometheusUrl, prometheusDataDir, grpcHost, grpcPort, advertiseAddress, u, b,
                shipInterval, shipperState);
    }

    public SidecarConfig withShipInterval(Duration d) {
        return new SidecarConfig(prometheusUrl, prometheusDataDir, grpcHost, grpcPort, advertiseAddress, upload, bucket,
                d, shipperState);
    }

    public SidecarConfig withShipperState(Path p) {
        return new SidecarConfig(prometheusUrl, prometheusDataDir, grpcHost, grpcPort, advertiseAddress, upload, bucket,
                shipInterval, p);
    }

    public SidecarConfig withAdvertiseAddress(String a) {
        return new SidecarConfig(prometheusUrl, prometheusDataDir, grpcHost, grpcPort, a, upload, bucket,
                shipInterval, shipperState);
    }
}
