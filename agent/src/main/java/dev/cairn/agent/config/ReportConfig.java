package dev.cairn.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code report} section: the heartbeat to the appliance ({@code POST /api/v1/agents/heartbeat}).
 *
 * @param interval how often; the appliance counts an agent unhealthy after 3 missed intervals
 * @param agentId  the id the agent reports as; empty: the host's fully qualified name (with enrollment,
 *                 the certificate's CN must equal it)
 */
public record ReportConfig(Duration interval, String agentId) {
    public ReportConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(agentId, "agentId");
    }

    static ReportConfig defaults() {
        return new ReportConfig(Duration.ofSeconds(15), "");
    }
}
