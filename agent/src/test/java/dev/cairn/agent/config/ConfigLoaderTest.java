package dev.cairn.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void emptyFile_givesTheDefaults() throws Exception {
        assertEquals(AgentConfig.defaults(), ConfigLoader.parse("", "agent.yaml"));
        assertEquals(AgentConfig.defaults(), ConfigLoader.parse("# only a comment\n", "agent.yaml"));
    }

    @Test
    void fullFile_setsEveryValue() throws Exception {
        AgentConfig c = ConfigLoader.parse("""
                data_dir: /srv/agent
                appliance:
                  url: https://app.example:19291
                  tls: {cert_file: /p/agent.crt, key_file: /p/agent.key, ca_file: /p/ca.crt}
                relay:
                  listen_address: 127.0.0.1:29291
                  max_queue_bytes: 512MiB
                  queue_config:
                    capacity: 10000
                    min_shards: 2
                    max_shards: 50
                    max_samples_per_send: 2000
                    batch_send_deadline: 1m30s
                    min_backoff: 100ms
                    max_backoff: 10s
                    remote_timeout: 1m
                """, "agent.yaml");
        assertEquals(Path.of("/srv/agent"), c.dataDir());
        assertEquals(URI.create("https://app.example:19291/api/v1/write"), c.appliance().url());
        assertEquals(Path.of("/p/ca.crt"), c.appliance().tls().caFile());
        assertEquals(29291, c.relay().listenPort());
        assertEquals(512L << 20, c.relay().maxQueueBytes());
        AgentConfig.QueueConfig q = c.relay().queue();
        assertEquals(List.of(10000, 2, 50, 2000), List.of(q.capacity(), q.minShards(), q.maxShards(), q.maxSamplesPerSend()));
        assertEquals(Duration.ofSeconds(90), q.batchSendDeadline());
        assertEquals(Duration.ofMillis(100), q.minBackoff());
        assertEquals(Duration.ofSeconds(10), q.maxBackoff());
        assertEquals(Duration.ofMinutes(1), q.remoteTimeout());
    }

    @Test
    void unknownKeysAndBadValues_areAllReportedWithTheirYamlPaths() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                data_dri: /x
                relay:
                  listen_address: nope
                  max_queue_bytes: lots
                  queue_config:
                    min_shards: 4
                    max_shards: 2
                    capacity: -1
                    batch_send_deadline: 5
                    min_backof: 1s
                """, "agent.yaml"));
        List<String> p = e.problems();
        assertEquals(7, p.size(), p.toString());
        assertTrue(p.contains("relay.queue_config.max_shards: must be at least min_shards (4), got 2"), p.toString());
        assertTrue(p.get(0).startsWith("data_dri: unknown key; known keys here are appliance, data_dir, external_labels, http, log, mode, pki, relay, report, sidecar"), p.get(0));
        assertTrue(p.contains("relay.listen_address: expected HOST:PORT like 127.0.0.1:19291, got 'nope'"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("relay.max_queue_bytes: expected a positive size")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("relay.queue_config.min_backof: unknown key")), p.toString());
        assertTrue(p.contains("relay.queue_config.capacity: expected a positive integer, got '-1'"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("relay.queue_config.batch_send_deadline: expected a positive "
                + "duration")), p.toString());
        assertTrue(e.getMessage().contains("agent.yaml"));
    }

    @Test
    void maxShardsBelowMinShards_isRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "relay: {queue_config: {min_shards: 4, max_shards: 2}}", "a.yaml"));
        assertEquals(List.of("relay.queue_config.max_shards: must be at least min_shards (4), got 2"), e.problems());
    }

    @Test
    void malformedYaml_isOneProblemNamingTheFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("relay: [unclosed", "b.yaml"));
        assertTrue(e.getMessage().startsWith("invalid agent configuration in b.yaml: not valid YAML"), e.getMessage());
    }

    @Test
    void plainHttp_onlyToLoopbackOrWithInsecure() throws Exception {
        AgentConfig c = AgentFlags.parse("--appliance", "http://127.0.0.1:9090", "--data-dir", dir.toString());
        assertEquals(URI.create("http://127.0.0.1:9090/api/v1/write"), c.appliance().url());
        assertFalse(c.appliance().insecure());
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentFlags.parse("--appliance=http://appliance.example:19291/api/v1/write"));
        assertTrue(e.problems().get(0).startsWith("appliance.url (--appliance): plain http to appliance.example"),
                e.problems().toString());
        AgentConfig insecure = AgentFlags.parse("--appliance=http://appliance.example:19291/x", "--insecure");
        assertTrue(insecure.appliance().insecure());
        AgentFlags.parse("--appliance", "https://appliance.example");
    }

    @Test
    void flags_overrideTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("agent.yaml"), """
                data_dir: /from/file
                appliance: {url: "https://file.example"}
                relay: {listen_address: "127.0.0.1:1111"}
                """);
        AgentConfig c = AgentFlags.parse("--config", f.toString(), "--relay-address", "127.0.0.1:2222");
        assertEquals(Path.of("/from/file"), c.dataDir());
        assertEquals(2222, c.relay().listenPort());
        assertEquals("file.example", c.appliance().url().getHost());
        c = AgentFlags.parse("--config", f.toString(), "--data-dir", "/from/flag", "--appliance", "https://flag.example");
        assertEquals(Path.of("/from/flag"), c.dataDir());
        assertEquals("flag.example", c.appliance().url().getHost());
    }

    @Test
    void missingApplianceOrUnknownFlag_isRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> AgentFlags.parse("--data-dir", "/x"));
        assertTrue(e.problems().get(0).startsWith("appliance.url (--appliance): required"));
        e = assertThrows(ConfigException.class, () -> AgentFlags.parse("--aplliance", "https://x"));
        assertTrue(e.problems().get(0).startsWith("--aplliance: unknown flag"), e.problems().toString());
    }

    @Test
    void shippedExampleFile_showsExactlyTheDefaults() throws Exception {
        String yaml;
        try (java.io.InputStream in = AgentConfig.class.getResourceAsStream("/dev/cairn/agent/agent.yaml")) {
            yaml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertEquals(AgentConfig.defaults(), ConfigLoader.parse(yaml, "agent.yaml"));
    }

    @Test
    void certificateSettings_areReadFromApplianceAndPki() throws Exception {
        AgentConfig c = ConfigLoader.parse("""
                data_dir: /srv/agent
                appliance:
                  url: https://app.example:19291
                  ca_sha256: "AB:%s"
                  enrollment_token: " t0ken "
                  enrollment_token_file: /etc/cairn/token
                pki: {dir: /srv/agent/pki, agent_id: vm1.example}
                """.formatted("cd".repeat(31)), "agent.yaml");
        assertEquals(new AgentConfig.PkiConfig(null, "vm1.example", null, "ab" + "cd".repeat(31), "t0ken",
                Path.of("/etc/cairn/token")), c.pki());
        assertEquals(Path.of("/srv/agent/pki"), c.pkiDir());
        AgentConfig f = AgentFlags.parse("--appliance", "https://a:1", "--enrollment-token-file", "/t",
                "--data-dir", dir.toString());
        assertEquals(Path.of("/t"), f.pki().enrollmentTokenFile());
        assertEquals(dir.resolve("pki"), f.pkiDir());

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                appliance: {ca_file: /ca.pem, ca_sha256: "%s", enrollment_token: 5}
                pki: {agent_id: "a b", renew_before: 1d}
                """.formatted("0".repeat(64)), "agent.yaml"));
        for (String start : List.of("appliance.ca_file and appliance.ca_sha256: give one way",
                "appliance.enrollment_token: expected a string", "pki.agent_id: expected a host-name-like id",
                "pki.renew_before: unknown key")) {
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(start)), start + " missing from "
                    + e.problems());
        }
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("appliance: {ca_sha256: abc}",
                "agent.yaml")).problems().get(0).startsWith("appliance.ca_sha256: expected the 64 hex digits"));
    }

    @Test
    void agentId_isOneId_reportFollowsPkiAndAContradictionIsRefused() throws Exception {
        AgentConfig c = ConfigLoader.parse("pki: {agent_id: vm1.example}", "agent.yaml");
        assertEquals("vm1.example", c.report().agentId());
        assertEquals("vm1.example", ConfigLoader.parse("pki: {agent_id: vm1.example}\nreport: {agent_id: vm1.example}",
                "agent.yaml").report().agentId());
        assertEquals("vm2", ConfigLoader.parse("report: {agent_id: vm2}", "agent.yaml").report().agentId());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "pki: {agent_id: vm1.example}\nreport: {agent_id: other}", "agent.yaml"));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("report.agent_id \"other\" and pki.agent_id "
                + "\"vm1.example\" differ")), e.problems().toString());
    }
}
