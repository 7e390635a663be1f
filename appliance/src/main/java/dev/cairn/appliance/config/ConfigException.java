package dev.cairn.appliance.config;

/**
 * A configuration the appliance refuses to start with. The message names the YAML path (or flag)
 * of each problem, e.g. {@code receive.wal_sync: "sometimes" is not one of always, batch, interval, none}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
