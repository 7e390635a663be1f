package dev.cairn.agent.relay;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.tsdb.fs.Disk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The relay, the agent's default mode: Prometheus remote-writes to it on loopback; each request is
 * on the {@link DiskQueue} (fsynced) before it is answered 204; a {@link Forwarder} sends the queue
 * on to the appliance with Prometheus's queue_config semantics and saves how far the appliance
 * acknowledged it. Nothing acknowledged to Prometheus is lost on restart, crash or network loss;
 * the disk budget is the one, loud, exception.
 *
 * <p>{@link #start} opens the queue, starts forwarding and then listening; {@link #close} stops in
 * the opposite order.
 */
public final class Relay implements AutoCloseable {
    private final AgentConfig config;
    private final Supplier<String> moreMetrics;
    private final RelayMetrics metrics = new RelayMetrics();
    private DiskQueue queue;
    private Forwarder forwarder;
    private RelayServer server;

    private final Disk disk;

    public Relay(AgentConfig config) {
        this(config, () -> "");
    }

    /** {@code moreMetrics}: the other parts' families, served after the relay's on its /metrics. */
    public Relay(AgentConfig config, Supplier<String> moreMetrics) {
        this(config, moreMetrics, Disk.local());
    }

    /** On the given disk: tests inject write failures (disk full) into the queue through it. */
    Relay(AgentConfig config, Disk disk) {
        this(config, () -> "", disk);
    }

    private Relay(AgentConfig config, Supplier<String> moreMetrics, Disk disk) {
        this.config = config;
        this.moreMetrics = moreMetrics;
        this.disk = disk;
    }

    public Relay start() throws IOException {
        AgentConfig.RelayConfig rc = config.relay();
        queue = DiskQueue.open(config.queueDir(), rc.maxQueueBytes(), metrics, disk);
        Downstream downstream = new Downstream(config.appliance().url(), config.appliance().tls(),
                rc.queue().remoteTimeout());
        forwarder = new Forwarder(queue, rc.queue(), downstream, metrics, rc.maxQueueBytes());
        forwarder.start();
        server = new RelayServer(rc.listenHost(), rc.listenPort(), queue,
                () -> metrics.render() + moreMetrics.get());
        return this;
    }

    /** Where the relay listens (the real port when 0 was configured). */
    public InetSocketAddress address() {
        return server.address();
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        try {
            if (forwarder != null) {
                forwarder.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (queue != null) {
                queue.close();
            }
        }
    }
}
