/**
 * The appliance's registry of agents (PROTOCOL.md "Heartbeat and registry", "Block upload through the
 * appliance"): {@link dev.cairn.appliance.registry.AgentRegistry} holds each agent's latest
 * {@link dev.cairn.appliance.registry.Heartbeat}, judges health and drops silent agents;
 * {@link dev.cairn.appliance.registry.AgentRoutes} mounts the heartbeat, listing and block upload routes on a
 * {@code web.Routes} shared by the HTTP port and the agents' port. The query layer follows the registry
 * through {@link dev.cairn.appliance.registry.AgentRegistry.Listener}.
 */
package dev.cairn.appliance.registry;
