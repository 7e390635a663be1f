package dev.cairn.agent.config;

import java.util.List;

/** A configuration that cannot run: every problem found, each naming its YAML path or flag. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super("invalid agent configuration in " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One sentence per problem, {@code "relay.queue_config.max_shards: ..."}. */
    public List<String> problems() {
        return problems;
    }
}
