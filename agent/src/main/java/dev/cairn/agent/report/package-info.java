/**
 * Reporting to the appliance (PROTOCOL.md "Heartbeat and registry"): {@link dev.cairn.agent.report.HeartbeatSender}
 * posts {@code /api/v1/agents/heartbeat} every {@code report.interval} with what
 * {@link dev.cairn.agent.report.AgentStatus} gathers from the relay's queue and the shipper;
 * {@link dev.cairn.agent.report.ApplianceClient} is the HTTP client for every non-remote-write call to the
 * appliance (heartbeat, block upload), on the host, port and TLS of {@code appliance.url}.
 */
package dev.cairn.agent.report;
