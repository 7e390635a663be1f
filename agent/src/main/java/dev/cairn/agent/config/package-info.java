/**
 * The agent's configuration: {@link dev.cairn.agent.config.AgentConfig} records with every default
 * in {@code AgentConfig.defaults()}, read from YAML by {@link dev.cairn.agent.config.ConfigLoader}
 * (unknown keys are errors; every problem names its YAML path) and overridden by the flags of
 * {@link dev.cairn.agent.config.AgentFlags}.
 */
package dev.cairn.agent.config;
