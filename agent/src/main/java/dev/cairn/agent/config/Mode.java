package dev.cairn.agent.config;

import java.util.List;

/**
 * What the agent runs beside its Prometheus ({@code mode:} in agent.yaml): the relay (remote write through a
 * disk queue), the sidecar (StoreAPI and block shipper), or both. The heartbeat reports it by {@link #text()}.
 */
public enum Mode {
    RELAY("relay"),
    SIDECAR("sidecar"),
    RELAY_AND_SIDECAR("relay+sidecar");

    private final String text;

    Mode(String text) {
        this.text = text;
    }

    /** The spelling in agent.yaml and in the heartbeat. */
    public String text() {
        return text;
    }

    public boolean relay() {
        return this != SIDECAR;
    }

    public boolean sidecar() {
        return this != RELAY;
    }

    /** The mode spelled {@code s}, or null. */
    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.text.equals(s)) {
                return m;
            }
        }
        return null;
    }

    static List<String> spellings() {
        return List.of(RELAY.text, SIDECAR.text, RELAY_AND_SIDECAR.text);
    }
}
