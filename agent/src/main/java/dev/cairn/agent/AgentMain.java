package dev.cairn.agent;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.config.AgentFlags;
import dev.cairn.agent.config.ConfigException;
import dev.cairn.agent.config.ReportConfig;
import dev.cairn.agent.pki.AgentCertificates;
import dev.cairn.agent.relay.Relay;
import dev.cairn.agent.sidecar.SidecarException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The agent process: builds the parts of its mode ({@link Agent}) with constructors, in order, and stops
 * them in reverse on SIGTERM (a JVM shutdown hook): heartbeat, shipper and sidecar stop; the relay
 * stops listening, lets in-flight requests finish their fsync, stops forwarding and saves the
 * acknowledged position.
 *
 * <p>{@code java -cp ... dev.cairn.agent.AgentMain [--config FILE] [--appliance URL] [--data-dir DIR]
 * [--relay-address HOST:PORT] [--insecure]}; {@code cairn agent} takes the same flags.
 */
public final class AgentMain {
    private AgentMain() {
    }

    public static void main(String[] args) {
        AgentConfig config;
        try {
            config = AgentFlags.parse(args);
        } catch (ConfigException e) {
            System.err.println("cairn agent: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("cairn agent: cannot read the configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(config);
        } catch (IOException e) {
            System.err.println("cairn agent: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs until the JVM is asked to stop (SIGTERM, SIGINT); returns after a clean shutdown. */
    public static void run(AgentConfig config) throws IOException {
        // the certificate first: with an https appliance the relay, the heartbeat and the block uploads use it
        AgentCertificates certs = AgentCertificates.start(config, java.time.Clock.systemUTC());
        if (certs != null) {
            config = config.withAppliance(new AgentConfig.ApplianceConfig(config.appliance().url(),
                    config.appliance().insecure(), certs.tlsFiles()));
            // over mTLS the appliance takes heartbeats only from the certificate's CN
            if (config.report().agentId().isEmpty()) {
                config = config.withReport(new ReportConfig(config.report().interval(), certs.agentId()));
            } else if (!config.report().agentId().equals(certs.agentId())) {
                throw new IOException("report.agent_id \"" + config.report().agentId() + "\" is not the CN of the "
                        + "agent's certificate (\"" + certs.agentId() + "\"): the appliance would refuse every heartbeat; "
                        + "remove report.agent_id (the agent reports under its certificate's CN)");
            }
        }
        Agent agent;
        try {
            agent = Agent.start(config);
        } catch (SidecarException e) {
            closeQuietly(certs);
            throw new IOException("the sidecar cannot start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(certs);
            Thread.currentThread().interrupt();
            return;
        } catch (IOException | RuntimeException e) {
            closeQuietly(certs);
            throw e;
        }
        Relay relay = agent.relay();
        StringBuilder parts = new StringBuilder("cairn agent (mode " + config.mode().text() + "):");
        if (relay != null) {
            parts.append(" relay listening on ").append(relay.address().getHostString()).append(':')
                    .append(relay.address().getPort()).append(", forwarding to ").append(config.appliance().url())
                    .append(';');
        }
        if (agent.sidecar() != null) {
            parts.append(" StoreAPI on ").append(config.sidecar().grpcHost()).append(':').append(agent.sidecar().port())
                    .append(" for ").append(config.sidecar().prometheusUrl()).append(", blocks shipped ")
                    .append(switch (config.sidecar().upload()) {
                        case APPLIANCE -> "through the appliance";
                        case BUCKET -> "to the bucket";
                        case NONE -> "nowhere (upload: none)";
                    }).append(';');
        }
        parts.append(" heartbeat every ").append(config.report().interval().toSeconds()).append(" s");
        if (certs != null) {
            parts.append("; as ").append(certs.agentId()).append(" (certificate until ").append(certs.notAfter())
                    .append(')');
        }
        System.out.println(parts);
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                agent.close();
                closeQuietly(certs);
            } catch (IOException e) {
                System.err.println("cairn agent: clean shutdown failed: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "cairn-agent-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AgentCertificates certs) {
        if (certs != null) {
            certs.close();
        }
    }
}
