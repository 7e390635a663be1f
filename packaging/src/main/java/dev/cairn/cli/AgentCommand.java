package dev.cairn.cli;

import dev.cairn.agent.AgentMain;
import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.config.AgentFlags;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn agent}: the agent beside a Prometheus (relay mode); runs until SIGTERM. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent: relay Prometheus remote write through a durable disk queue to the appliance.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "agent.yaml (default: built-in defaults).")
    Path config;

    @Option(names = "--appliance", paramLabel = "URL", description = "Remote-write URL of the appliance.")
    String appliance;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "State directory (queue/ lives below it).")
    Path dataDir;

    @Option(names = "--relay-address", paramLabel = "HOST:PORT", description = "Where the relay listens.")
    String relayAddress;

    @Option(names = "--insecure", description = "Allow plain http to a non-loopback appliance.")
    boolean insecure;

    @Option(names = "--enrollment-token-file", paramLabel = "FILE",
            description = "Bootstrap token for the first enrollment (overrides appliance.enrollment_token_file).")
    Path enrollmentTokenFile;

    @Override
    public Integer call() throws Exception {
        AgentConfig c = AgentFlags.build(config, appliance, dataDir, relayAddress, insecure);
        if (enrollmentTokenFile != null) {
            c = c.withPki(c.pki().withEnrollmentTokenFile(enrollmentTokenFile));
        }
        AgentMain.run(c);
        return 0;
    }
}
