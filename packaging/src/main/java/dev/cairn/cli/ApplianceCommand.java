package dev.cairn.cli;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn appliance}: runs the central appliance until SIGTERM. */
@Command(name = "appliance", mixinStandardHelpOptions = true,
        description = "Run the appliance: remote write receive and the Prometheus HTTP API on one port."
                + " Without --config it runs on the embedded defaults (data under ./data, HTTP on 127.0.0.1:10902).")
final class ApplianceCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "appliance.yaml (see docs/appliance.example.yaml).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides data_dir.")
    Path dataDir;

    @Option(names = "--http-address", paramLabel = "HOST:PORT", description = "Overrides http.listen.")
    String httpAddress;

    @Option(names = "--grpc-address", paramLabel = "HOST:PORT",
            description = "Overrides grpc.listen (the StoreAPI; default 127.0.0.1:10901).")
    String grpcAddress;

    @Option(names = "--agents-address", paramLabel = "HOST:PORT",
            description = "Enables the agents' HTTPS port (mTLS, enrollment) here; overrides agents.listen.")
    String agentsAddress;

    @Override
    public Integer call() throws Exception {
        ApplianceConfig c = ConfigLoader.load(config, dataDir, httpAddress, grpcAddress, agentsAddress);
        ApplianceMain.run(c);
        return 0;
    }
}
