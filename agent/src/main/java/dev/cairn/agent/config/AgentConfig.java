package dev.cairn.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The agent's whole configuration, as read from {@code /etc/cairn/agent.yaml} and flags. Immutable;
 * every default lives in {@link #defaults()} and nowhere else. {@link ConfigLoader} validates
 * values before they get here, so these records only check what would be a programming error.
 *
 * @param dataDir the agent's state directory ({@code queue/} below it holds the relay's disk queue)
 * @param appliance where the relay forwards to
 * @param relay the loopback remote-write endpoint and its queue
 * @param mode what runs: relay, sidecar or both
 * @param sidecar the StoreAPI and shipper settings (used when the mode includes the sidecar)
 * @param report the heartbeat to the appliance
 * @param http where /metrics is served when the mode has no relay (with a relay, its port serves it)
 * @param pki the agent's own certificate: enrollment, trust of the appliance, where it is kept
 */
public record AgentConfig(Path dataDir, ApplianceConfig appliance, RelayConfig relay, Mode mode,
                          SidecarConfig sidecar, ReportConfig report, HttpConfig http, PkiConfig pki) {
    public AgentConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(appliance, "appliance");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(sidecar, "sidecar");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(pki, "pki");
    }

    /** {@code http.listen}: the agent's own /metrics and /-/healthy in sidecar mode. */
    public record HttpConfig(String listenHost, int listenPort) {
        public HttpConfig {
            Objects.requireNonNull(listenHost, "listenHost");
        }
    }

    /** A relay-only agent with the other sections at their defaults. */
    public AgentConfig(Path dataDir, ApplianceConfig appliance, RelayConfig relay) {
        this(dataDir, appliance, relay, Mode.RELAY, SidecarConfig.defaults(), ReportConfig.defaults(),
                new HttpConfig("0.0.0.0", 10902), PkiConfig.defaults());
    }

    /**
     * How the agent gets and keeps the certificate it presents to the appliance (docs/agent-protocol.md), used
     * when the appliance URL is https and no {@code appliance.tls} files are given. YAML: {@code appliance.ca_file},
     * {@code appliance.ca_sha256}, {@code appliance.enrollment_token}, {@code appliance.enrollment_token_file},
     * {@code pki.dir}, {@code pki.agent_id}.
     *
     * @param dir                 where agent.key (0600), agent.crt and ca.crt are kept; null for {@code <data_dir>/pki}
     * @param agentId             the certificate's CN; "" for this host's fully qualified name
     * @param caFile              the appliance's CA certificate (PEM, e.g. shipped by Puppet); null when not given
     * @param caSha256            hex SHA-256 of the CA certificate's DER; the CA is then fetched from the appliance
     *                            and accepted only if it matches; "" when not given
     * @param enrollmentToken     bootstrap token; "" when not given
     * @param enrollmentTokenFile file holding the bootstrap token (first line that is not a # comment); null when not
     *                            given
     */
    public record PkiConfig(Path dir, String agentId, Path caFile, String caSha256, String enrollmentToken,
            Path enrollmentTokenFile) {
        public PkiConfig {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(caSha256, "caSha256");
            Objects.requireNonNull(enrollmentToken, "enrollmentToken");
        }

        /** Enroll with the host's name, keep the files under {@code <data_dir>/pki}, trust nothing given yet. */
        public static PkiConfig defaults() {
            return new PkiConfig(null, "", null, "", "", null);
        }

        public PkiConfig withEnrollmentTokenFile(Path f) {
            return new PkiConfig(dir, agentId, caFile, caSha256, enrollmentToken, f);
        }
    }

    /**
     * The downstream remote-write receiver.
     *
     * @param url the remote-write URL; null until configured (the agent refuses to start without one)
     * @param insecure allow plain HTTP to a non-loopback host (tests, labs); never the default
     * @param tls client certificate and CA for mutual TLS; null for none (plain HTTP or server-auth only)
     */
    public record ApplianceConfig(URI url, boolean insecure, TlsConfig tls) {
    }

    /** PEM files for mutual TLS to the appliance. */
    public record TlsConfig(Path certFile, Path keyFile, Path caFile) {
        public TlsConfig {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(caFile, "caFile");
        }
    }

    /**
     * @param listenHost host the relay binds (loopback: only the local Prometheus writes to it)
     * @param listenPort its port; 0 picks a free one (tests)
     * @param maxQueueBytes disk budget of the queue; beyond it the oldest data is dropped, loudly
     * @param queue Prometheus's {@code queue_config}, same names and meanings
     */
    public record RelayConfig(String listenHost, int listenPort, long maxQueueBytes, QueueConfig queue) {
        public RelayConfig {
            Objects.requireNonNull(listenHost, "listenHost");
            Objects.requireNonNull(queue, "queue");
        }

        public RelayConfig withListen(String host, int port) {
            return new RelayConfig(host, port, maxQueueBytes, queue);
        }

        public RelayConfig withMaxQueueBytes(long bytes) {
            return new RelayConfig(listenHost, listenPort, bytes, queue);
        }

        public RelayConfig withQueue(QueueConfig q) {
            return new RelayConfig(listenHost, listenPort, maxQueueBytes, q);
        }
    }

    /**
     * Prometheus's {@code remote_write.queue_config} knobs with the same meanings.
     *
     * @param capacity samples buffered in memory per shard before reading from disk pauses
     * @param minShards shards to start with and the floor of automatic resharding
     * @param maxShards ceiling of automatic resharding
     * @param maxSamplesPerSend samples per request
     * @param batchSendDeadline longest a sample waits in a shard for its batch to fill
     * @param minBackoff first retry delay; doubled on every failed retry
     * @param maxBackoff longest retry delay
     * @param remoteTimeout timeout of one request to the downstream
     */
    public record QueueConfig(int capacity, int minShards, int maxShards, int maxSamplesPerSend,
            Duration batchSendDeadline, Duration minBackoff, Duration maxBackoff, Duration remoteTimeout) {
        public QueueConfig {
            if (capacity <= 0 || minShards <= 0 || maxShards < minShards || maxSamplesPerSend <= 0) {
                throw new IllegalArgumentException("invalid queue_config: capacity " + capacity + ", min_shards "
                        + minShards + ", max_shards " + maxShards + ", max_samples_per_send " + maxSamplesPerSend);
            }
            Objects.requireNonNull(batchSendDeadline, "batchSendDeadline");
            Objects.requireNonNull(minBackoff, "minBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(remoteTimeout, "remoteTimeout");
        }

        public QueueConfig withShards(int min, int max) {
            return new QueueConfig(capacity, min, max, maxSamplesPerSend, batchSendDeadline, minBackoff, maxBackoff,
                    remoteTimeout);
        }

        public QueueConfig withBackoff(Duration min, Duration max) {
            return new QueueConfig(capacity, minShards, maxShards, maxSamplesPerSend, batchSendDeadline, min, max,
                    remoteTimeout);
        }

        public QueueConfig withBatch(int samplesPerSend, Duration deadline) {
            return new QueueConfig(capacity, minShards, maxShards, samplesPerSend, deadline, minBackoff, maxBackoff,
                    remoteTimeout);
        }
    }

    /**
     * Every default, in one place. The queue_config values are Prometheus 2.42's defaults so an
     * operator's knowledge carries over; the disk budget (1 GiB) holds about an hour of a
     * 100k-series Prometheus scraping every 15 s.
     */
    public static AgentConfig defaults() {
        QueueConfig q = new QueueConfig(2500, 1, 200, 500, Duration.ofSeconds(5), Duration.ofMillis(30),
                Duration.ofSeconds(5), Duration.ofSeconds(30));
        return new AgentConfig(Path.of("/var/lib/cairn/agent"),
                new ApplianceConfig(null, false, null),
                new RelayConfig("127.0.0.1", 19291, 1L << 30, q));
    }

    public AgentConfig withDataDir(Path dir) {
        return new AgentConfig(dir, appliance, relay, mode, sidecar, report, http, pki);
    }

    public AgentConfig withAppliance(ApplianceConfig a) {
        return new AgentConfig(dataDir, a, relay, mode, sidecar, report, http, pki);
    }

    public AgentConfig withRelay(RelayConfig r) {
        return new AgentConfig(dataDir, appliance, r, mode, sidecar, report, http, pki);
    }

    public AgentConfig withMode(Mode m) {
        return new AgentConfig(dataDir, appliance, relay, m, sidecar, report, http, pki);
    }

    public AgentConfig withSidecar(SidecarConfig s) {
        return new AgentConfig(dataDir, appliance, relay, mode, s, report, http, pki);
    }

    public AgentConfig withHttp(HttpConfig h) {
        return new AgentConfig(dataDir, appliance, relay, mode, sidecar, report, h, pki);
    }

    public AgentConfig withReport(ReportConfig r) {
        return new AgentConfig(dataDir, appliance, relay, mode, sidecar, r, http, pki);
    }

    /** Where the shipper records the blocks it uploaded. */
    public Path shipperStateFile() {
        return sidecar.shipperState() != null ? sidecar.shipperState() : dataDir.resolve("shipper.json");
    }

    public AgentConfig withPki(PkiConfig p) {
        return new AgentConfig(dataDir, appliance, relay, mode, sidecar, report, http, p);
    }

    /** Where the agent's key and certificates live: {@code pki.dir}, or {@code <data_dir>/pki}. */
    public Path pkiDir() {
        return pki.dir() != null ? pki.dir() : dataDir.resolve("pki");
    }

    /** The relay's disk queue directory. */
    public Path queueDir() {
        return dataDir.resolve("queue");
    }
}
