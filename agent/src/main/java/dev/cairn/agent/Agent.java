package dev.cairn.agent;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.config.SidecarConfig;
import dev.cairn.agent.relay.Relay;
import dev.cairn.agent.report.AgentStatus;
import dev.cairn.agent.report.ApplianceClient;
import dev.cairn.agent.report.HeartbeatSender;
import dev.cairn.agent.sidecar.ApplianceBucket;
import dev.cairn.agent.sidecar.PrometheusApi;
import dev.cairn.agent.sidecar.ShipperRunner;
import dev.cairn.agent.sidecar.Sidecar;
import dev.cairn.agent.sidecar.SidecarException;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.bucket.S3Bucket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The running agent: the parts its {@code mode} asks for, started in order and stopped in reverse.
 * <ol>
 *   <li>relay (modes relay, relay+sidecar): loopback remote write into the disk queue, forwarded on;</li>
 *   <li>sidecar (modes sidecar, relay+sidecar): StoreAPI over the local Prometheus, and the shipper
 *       uploading its blocks to a bucket or through the appliance ({@code sidecar.upload});</li>
 *   <li>heartbeat, always: every {@code report.interval} to the appliance, with the relay's queue and
 *       the shipper's progress; it is how the appliance finds the sidecar.</li>
 * </ol>
 * The agent's /metrics carries the relay's, the shipper's and the heartbeat's families: on the relay's
 * port, or without a relay on {@code http.listen}.
 */
public final class Agent implements AutoCloseable {
    private static final Duration PROMETHEUS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(15);

    private final AgentConfig config;
    private Relay relay;
    private Sidecar sidecar;
    private Bucket bucket;
    private ShipperRunner shipper;
    private HeartbeatSender heartbeat;
    private MetricsServer metricsServer;

    private Agent(AgentConfig config) {
        this.config = config;
    }

    /**
     * Starts every part of the mode; on a failure stops what already runs.
     *
     * @throws SidecarException when the local Prometheus cannot serve as a sidecar's (no external labels,
     *                          local compaction on); the message says what to change
     */
    public static Agent start(AgentConfig config) throws IOException, SidecarException, InterruptedException {
        Agent a = new Agent(config);
        try {
            a.startParts();
        } catch (IOException | SidecarException | InterruptedException | RuntimeException e) {
            a.close();
            throw e;
        }
        return a;
    }

    private void startParts() throws IOException, SidecarException, InterruptedException {
        long started = System.currentTimeMillis();
        Files.createDirectories(config.dataDir()); // the relay's queue and the shipper's state live here
        ApplianceClient appliance = new ApplianceClient(config.appliance().url(), config.appliance().tls(),
                Duration.ofSeconds(30));
        if (config.mode().relay()) {
            relay = new Relay(config, this::partsMetrics).start();
        }
        if (config.mode().sidecar()) {
            SidecarConfig sc = config.sidecar();
            sidecar = Sidecar.start(new Sidecar.Options(sc.prometheusUrl(), sc.prometheusDataDir(),
                    new InetSocketAddress(sc.grpcHost(), sc.grpcPort()), null, PROMETHEUS_TIMEOUT));
            bucket = switch (sc.upload()) {
                case NONE -> null;
                case APPLIANCE -> new ApplianceBucket(appliance, UPLOAD_TIMEOUT);
                case BUCKET -> sc.bucket().s3() != null ? S3Bucket.open(sc.bucket().s3())
                        : FilesystemBucket.open(sc.bucket().filesystemDir());
            };
            if (bucket != null) {
                shipper = ShipperRunner.start(new PrometheusApi(sc.prometheusUrl(), PROMETHEUS_TIMEOUT),
                        sc.prometheusDataDir(), config.shipperStateFile(), bucket, sc.shipInterval());
            }
        }
        if (relay == null) {
            metricsServer = new MetricsServer(config.http().listenHost(), config.http().listenPort(), this::partsMetrics);
        }
        String host = hostname();
        String id = config.report().agentId().isEmpty() ? host : config.report().agentId();
        heartbeat = new HeartbeatSender(appliance, new HeartbeatSender.Identity(id, host, version(),
                config.mode().text(), started), this::status, System::currentTimeMillis)
                .start(config.report().interval());
    }

    /** What the next heartbeat reports. */
    AgentStatus status() {
        Map<String, String> labels = new TreeMap<>();
        String store = "";
        if (sidecar != null) {
            sidecar.externalLabels().forEach(labels::put);
            String adv = config.sidecar().advertiseAddress();
            store = !adv.isEmpty() ? adv : hostPort(config.sidecar().grpcHost(), sidecar.port());
        }
        long queueBytes = relay == null ? 0 : relay.metrics().queueBytes();
        double oldest = relay == null ? 0 : relay.metrics().oldestUnsentAgeSeconds();
        ShipperRunner.Shipped shipped = shipper == null ? new ShipperRunner.Shipped("", 0, 0) : shipper.lastShipped();
        return new AgentStatus(labels, store, queueBytes, oldest, shipped.block(), shipped.uploadedMs(),
                certificateNotAfter());
    }

    private long certificateNotAfter() {
        if (config.appliance().tls() == null) {
            return 0;
        }
        try {
            List<X509Certificate> chain = Pem.readCertificates(config.appliance().tls().certFile());
            return chain.isEmpty() ? 0 : chain.get(0).getNotAfter().getTime();
        } catch (IOException | PkiException e) {
            return 0; // the relay's TLS setup reports unreadable files
        }
    }

    private String partsMetrics() {
        StringBuilder sb = new StringBuilder(1024);
        if (shipper != null) {
            shipper.render(sb);
        }
        if (heartbeat != null) {
            heartbeat.render(sb);
        }
        return sb.toString();
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The fully qualified name of this host: the default agent id (and certificate CN). */
    static String hostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** Where /metrics is served without a relay ({@code http.listen}); null when the relay's port serves it. */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.address();
    }

    /** The relay, or null when the mode has none. */
    public Relay relay() {
        return relay;
    }

    /** The sidecar's StoreAPI, or null when the mode has none. */
    public Sidecar sidecar() {
        return sidecar;
    }

    /** The shipper, or null (no sidecar, or {@code sidecar.upload: none}). */
    public ShipperRunner shipper() {
        return shipper;
    }

    /** Stops heartbeat, shipper, sidecar, relay, in that order; idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (heartbeat != null) {
            heartbeat.close();
            heartbeat = null;
        }
        if (metricsServer != null) {
            metricsServer.close();
            metricsServer = null;
        }
        if (shipper != null) {
            shipper.close();
            shipper = null;
        }
        if (bucket != null) {
            bucket.close();
            bucket = null;
        }
        if (sidecar != null) {
            sidecar.close();
            sidecar = null;
        }
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }
}
