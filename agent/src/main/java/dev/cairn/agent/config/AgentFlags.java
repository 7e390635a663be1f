package dev.cairn.agent.config;

import dev.cairn.agent.config.AgentConfig.ApplianceConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's command line for scripts: {@code [--config FILE] [--appliance URL] [--data-dir DIR]
 * [--relay-address HOST:PORT] [--enrollment-token-file FILE] [--insecure]}. Flags override the file, which overrides the defaults;
 * the result is validated as a whole ({@link ConfigLoader#validate}).
 */
public final class AgentFlags {
    private AgentFlags() {
    }

    /** Parses flags ({@code --flag value} or {@code --flag=value}) and builds the validated config. */
    public static AgentConfig parse(String... args) throws IOException, ConfigException {
        String config = null;
        String appliance = null;
        String dataDir = null;
        String relay = null;
        String tokenFile = null;
        boolean insecure = false;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals("--insecure")) {
                insecure = true;
                continue;
            }
            if (!List.of("--config", "--appliance", "--data-dir", "--relay-address", "--enrollment-token-file")
                    .contains(name)) {
                problems.add(a + ": unknown flag; known flags are --config FILE, --appliance URL, --data-dir DIR, "
                        + "--relay-address HOST:PORT, --enrollment-token-file FILE, --insecure");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    problems.add(name + ": needs a value");
                    continue;
                }
                value = args[++i];
            }
            switch (name) {
                case "--config" -> config = value;
                case "--appliance" -> appliance = value;
                case "--data-dir" -> dataDir = value;
                case "--enrollment-token-file" -> tokenFile = value;
                default -> relay = value;
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("command line", problems);
        }
        AgentConfig c = build(config == null ? null : Path.of(config), appliance,
                dataDir == null ? null : Path.of(dataDir), relay, insecure);
        return tokenFile == null ? c : c.withPki(c.pki().withEnrollmentTokenFile(Path.of(tokenFile)));
    }

    /** The config from an optional file with the given overrides (null: not given). */
    public static AgentConfig build(Path configFile, String appliance, Path dataDir, String relayAddress,
            boolean insecure) throws IOException, ConfigException {
        AgentConfig c = configFile == null ? AgentConfig.defaults() : ConfigLoader.load(configFile);
        String source = configFile == null ? "command line" : configFile + " and command line";
        List<String> problems = new ArrayList<>();
        if (appliance != null) {
            try {
                URI u = ConfigLoader.parseUrl(appliance);
                c = c.withAppliance(new ApplianceConfig(u, c.appliance().insecure(), c.appliance().tls()));
            } catch (IllegalArgumentException e) {
                problems.add("--appliance: " + e.getMessage());
            }
        }
        if (insecure) {
            c = c.withAppliance(new ApplianceConfig(c.appliance().url(), true, c.appliance().tls()));
        }
        if (dataDir != null) {
            c = c.withDataDir(dataDir);
        }
        if (relayAddress != null) {
            ConfigLoader.HostPort hp = ConfigLoader.hostPort(relayAddress, "--relay-address", problems);
            if (hp != null) {
                c = c.withRelay(c.relay().withListen(hp.host(), hp.port()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        ConfigLoader.validate(c, source);
        return c;
    }
}
