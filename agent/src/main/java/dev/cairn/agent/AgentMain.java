package dev.cairn.agent;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.config.AgentFlags;
import dev.cairn.agent.config.ConfigException;
import dev.cairn.agent.pki.AgentCertificates;
import dev.cairn.agent.relay.Relay;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The agent process: builds every part with constructors, in order, and stops them in reverse on
 * SIGTERM (a JVM shutdown hook): the relay stops listening, lets in-flight requests finish their
 * fsync, stops forwarding and saves the acknowledged position.
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
        // the certificate first: with an https appliance the relay forwards over mutual TLS with it
        AgentCertificates certs = AgentCertificates.start(config, java.time.Clock.systemUTC());
        if (certs != null) {
            config = config.withAppliance(new AgentConfig.ApplianceConfig(config.appliance().url(),
                    config.appliance().insecure(), certs.tlsFiles()));
        }
        Relay relay;
        try {
            relay = new Relay(config).start();
        } catch (IOException | RuntimeException e) {
            if (certs != null) {
                certs.close();
            }
            throw e;
        }
        System.out.println("cairn agent: relay listening on " + relay.address().getHostString() + ":"
                + relay.address().getPort() + ", forwarding to " + config.appliance().url()
                + (certs == null ? "" : " as " + certs.agentId() + " (certificate until " + certs.notAfter() + ")"));
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                relay.close();
                if (certs != null) {
                    certs.close();
                }
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
}
