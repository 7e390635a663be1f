package dev.cairn.agent.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig.ApplianceConfig;
import dev.cairn.agent.config.AgentConfig.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One schema for the three places that spell {@code /etc/cairn/agent.yaml}: the agent's own documented
 * file (the packages install a byte-identical copy as the conffile), the Puppet template, and the loader.
 */
class ConfigSchemaTest {
    private static final Path RESOURCE = Path.of("src", "main", "resources", "dev", "cairn", "agent", "agent.yaml");
    private static final Path PACKAGED = Path.of("..", "packaging", "src", "pkg", "agent", "agent.yaml");
    private static final Path MODULE = Path.of("..", "puppet-module");
    private static final Path TEMPLATE = MODULE.resolve("templates/agent.yaml.epp");

    @TempDir
    Path tmp;

    @Test
    void packagedConffile_isACopyOfTheAgentsOwnFile() throws IOException {
        // the deb and the rpm install packaging/src/pkg/agent/agent.yaml (DebPackagesTest checks the bytes);
        // it must be this documented file, byte for byte, or the two drift apart
        assertArrayEquals(Files.readAllBytes(RESOURCE), Files.readAllBytes(PACKAGED), PACKAGED + " differs from "
                + RESOURCE + "; edit the latter and copy it: cp agent/" + RESOURCE + " packaging/src/pkg/agent/");
    }

    @Test
    void packagedConffile_loadsAsExactlyTheDefaults() throws Exception {
        assertEquals(AgentConfig.defaults(), ConfigLoader.load(PACKAGED));
    }

    @Test
    void packagedConffile_everyCommentedKeyUncommented_stillLoadsAsTheDefaults() throws Exception {
        // the commented examples are the documentation of the reserved (not built) sections: they must be
        // accepted as written, and change nothing; only the examples of real settings (url, tls) may.
        // (an example is a comment that starts with a lower-case key and a colon; prose never does)
        String uncommented = Pattern.compile("^( *)# ( *[a-z_]+:(?: |$))", Pattern.MULTILINE)
                .matcher(Files.readString(RESOURCE)).replaceAll("$1$2");
        assertTrue(uncommented.contains("\nsidecar:\n") && uncommented.contains("  enrollment_token: \"\""),
                uncommented);
        AgentConfig c = ConfigLoader.parse(uncommented, "agent.yaml uncommented");
        assertEquals(URI.create("https://appliance.example:19291/api/v1/write"), c.appliance().url());
        assertEquals(new TlsConfig(Path.of("/var/lib/cairn/agent/pki/agent.crt"),
                Path.of("/var/lib/cairn/agent/pki/agent.key"), Path.of("/var/lib/cairn/agent/pki/ca.crt")),
                c.appliance().tls());
        assertEquals(AgentConfig.defaults(), c.withAppliance(AgentConfig.defaults().appliance()));
    }

    @Test
    void puppetTemplate_withTheModuleDefaults_loadsAsTheAgentDefaults() throws Exception {
        Map<String, Object> values = moduleDefaults();
        values.put("appliance_url", "https://cairn.example.org:19291");
        values.put("enrollment_token", "s3cr3t-\"token\"");
        String yaml = renderTemplate(values);
        AgentConfig c = ConfigLoader.parse(yaml, "agent.yaml.epp with the module defaults");
        // the token is a real setting now: it arrives intact through the template's JSON quoting
        AgentConfig d = AgentConfig.defaults();
        assertEquals(d.withAppliance(
                new ApplianceConfig(URI.create("https://cairn.example.org:19291/api/v1/write"), false, null))
                .withPki(new AgentConfig.PkiConfig(null, "", null, "", "s3cr3t-\"token\"", null)), c,
                "the module's Hiera defaults must be the agent's defaults:\n" + yaml);
        ConfigLoader.validate(c, "rendered template");
    }

    @Test
    void puppetTemplate_withEverySetting_loadsThem() throws Exception {
        Map<String, Object> values = moduleDefaults();
        values.put("appliance_url", "https://cairn.example.org:19291/api/v1/write");
        values.put("appliance_tls", Map.of("cert_file", "/p/a.crt", "key_file", "/p/a.key", "ca_file", "/p/ca.crt"));
        values.put("external_labels", Map.of("dc", "fra1", "team", "a: b"));
        values.put("data_dir", tmp.resolve("agent").toString());
        values.put("relay_listen", "127.0.0.1:29291");
        values.put("relay_max_queue_bytes", "20GiB");
        values.put("relay_queue_config", Map.of("max_shards", 50, "min_backoff", "100ms", "batch_send_deadline", "1m"));
        values.put("mode", "relay+sidecar");
        values.put("heartbeat_interval", "1m");
        values.put("prometheus_url", "http://127.0.0.1:9099");
        values.put("prometheus_data_dir", "/srv/prometheus");
        values.put("grpc_listen", "10.0.0.5:19901");
        values.put("log_level", "debug");
        String yaml = renderTemplate(values);
        AgentConfig c = ConfigLoader.parse(yaml, "agent.yaml.epp with every setting");
        assertEquals(tmp.resolve("agent"), c.dataDir());
        assertEquals(Mode.RELAY_AND_SIDECAR, c.mode());
        assertEquals(Duration.ofMinutes(1), c.report().interval());
        assertEquals(URI.create("http://127.0.0.1:9099"), c.sidecar().prometheusUrl());
        assertEquals(Path.of("/srv/prometheus"), c.sidecar().prometheusDataDir());
        assertEquals("10.0.0.5", c.sidecar().grpcHost());
        assertEquals(19901, c.sidecar().grpcPort());
        assertEquals(new TlsConfig(Path.of("/p/a.crt"), Path.of("/p/a.key"), Path.of("/p/ca.crt")),
                c.appliance().tls());
        assertEquals(29291, c.relay().listenPort());
        assertEquals(20L << 30, c.relay().maxQueueBytes());
        AgentConfig.QueueConfig d = AgentConfig.defaults().relay().queue();
        assertEquals(d.withShards(1, 50).withBackoff(Duration.ofMillis(100), d.maxBackoff())
                .withBatch(d.maxSamplesPerSend(), Duration.ofMinutes(1)), c.relay().queue());
    }

    @Test
    void reservedSections_areCheckedButChangeNothing() throws Exception {
        AgentConfig c = ConfigLoader.parse("""
                external_labels: {dc: fra1, replica: a}
                log: {level: warn}
                """, "agent.yaml");
        assertEquals(AgentConfig.defaults(), c);

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                appliance: {heartbeat_interval: often, enrollment_token: 42}
                external_labels: {1dc: x, __name__: y, n: 3}
                pki: {renew_before: 0s}
                http: {listen: "10902"}
                log: {level: verbose}
                """, "agent.yaml"));
        List<String> p = e.problems();
        for (String start : List.of("appliance.heartbeat_interval: expected a positive duration",
                "appliance.enrollment_token: expected a string", "external_labels.1dc: not a label name",
                "external_labels.__name__: not a label name", "external_labels.n: expected a string value",
                "pki.renew_before: unknown key", "http.listen: expected HOST:PORT",
                "log.level: expected one of debug, info, warn, error")) {
            assertTrue(p.stream().anyMatch(s -> s.startsWith(start)), start + " missing from " + p);
        }
        assertEquals(8, p.size(), p.toString());
    }

    @Test
    void modeSidecarAndReport_areRead() throws Exception {
        AgentConfig c = ConfigLoader.parse("""
                mode: sidecar
                report: {interval: 2s, agent_id: vm17}
                http: {listen: "[::]:19902"}
                sidecar: {prometheus_url: "http://127.0.0.1:9090", prometheus_data_dir: /p, grpc_listen: "127.0.0.1:0",
                          advertise_address: "vm17.example:10901", upload: bucket, ship_interval: 5s,
                          shipper_state: /s.json, bucket: {type: filesystem, filesystem: {dir: /b}}}
                """, "agent.yaml");
        assertEquals(Mode.SIDECAR, c.mode());
        assertFalse(c.mode().relay());
        assertEquals(new ReportConfig(Duration.ofSeconds(2), "vm17"), c.report());
        assertEquals(new AgentConfig.HttpConfig("::", 19902), c.http());
        assertEquals(new SidecarConfig(URI.create("http://127.0.0.1:9090"), Path.of("/p"), "127.0.0.1", 0,
                "vm17.example:10901", SidecarConfig.Upload.BUCKET, new SidecarConfig.BucketConfig(Path.of("/b"), null),
                Duration.ofSeconds(5), Path.of("/s.json")), c.sidecar());
        assertEquals(Path.of("/s.json"), c.shipperStateFile());

        // the key of the version before mode, and the old name of report.interval, still mean the same
        AgentConfig old = ConfigLoader.parse("""
                appliance: {heartbeat_interval: 1m}
                sidecar: {enabled: true}
                """, "agent.yaml");
        assertEquals(Mode.RELAY_AND_SIDECAR, old.mode());
        assertEquals(Duration.ofMinutes(1), old.report().interval());

        AgentConfig s3 = ConfigLoader.parse("""
                sidecar: {upload: bucket, bucket: {type: s3, s3: {endpoint: "http://127.0.0.1:9000", bucket: blocks,
                          region: eu-1, access_key: a, secret_key: b, path_style: false}}}
                """, "agent.yaml");
        assertEquals("blocks", s3.sidecar().bucket().s3().bucket());
        assertEquals("eu-1", s3.sidecar().bucket().s3().region());
        assertFalse(s3.sidecar().bucket().s3().pathStyle());

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                mode: proxy
                report: {interval: soon, agentid: x}
                sidecar: {enabled: yes please, upload: s3, prometheus_url: "127.0.0.1:9090", grcp_listen: x,
                          advertise_address: "host:0", bucket: {type: filesystem, filesystem: {dir: /b}}}
                """, "agent.yaml"));
        List<String> p = e.problems();
        for (String start : List.of("mode: expected one of relay, sidecar, relay+sidecar",
                "report.interval: expected a positive duration", "report.agentid: unknown key",
                "sidecar.enabled: expected true or false", "sidecar.upload: expected one of appliance, bucket, none",
                "sidecar.prometheus_url: expected an http:// or https:// URL", "sidecar.grcp_listen: unknown key",
                "sidecar.advertise_address: needs the real port",
                "sidecar.bucket: only used with sidecar.upload: bucket")) {
            assertTrue(p.stream().anyMatch(s -> s.startsWith(start)), start + " missing from " + p);
        }
        assertEquals(9, p.size(), p.toString());

        ConfigException noBucket = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("sidecar: {upload: bucket}\n", "agent.yaml"));
        assertTrue(noBucket.problems().get(0).startsWith("sidecar.bucket: required when sidecar.upload is bucket"),
                noBucket.problems().toString());
        ConfigException contradiction = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("mode: relay\nsidecar: {enabled: true}\n", "agent.yaml"));
        assertTrue(contradiction.problems().get(0).startsWith("sidecar.enabled: true contradicts mode: relay"),
                contradiction.problems().toString());
    }

    @Test
    void durations_takeDaysLikePrometheusAndTheModulesType() {
        assertEquals(Duration.ofDays(10), ConfigLoader.parseDuration("10d"));
        assertEquals(Duration.ofDays(1).plusHours(2).plusMillis(5), ConfigLoader.parseDuration("1d2h5ms"));
        assertEquals(null, ConfigLoader.parseDuration("1w"));
    }

    // ---- rendering the real template with the real puppet ----

    /** The module's defaults for class cairn::agent (its Hiera data), by template parameter name. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> moduleDefaults() throws IOException {
        Map<String, Object> data = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(MODULE.resolve("data/common.yaml")));
        Map<String, Object> v = new LinkedHashMap<>();
        data.forEach((k, val) -> {
            if (k.startsWith("cairn::agent::")) {
                v.put(k.substring("cairn::agent::".length()), val);
            }
        });
        // the parameters that the class has and the template does not, and the template's optional ones
        for (String notInTemplate : List.of("package_name", "package_ensure", "config_file", "java_opts",
                "manage_service", "service_ensure", "service_enable")) {
            assertTrue(v.remove(notInTemplate) != null, notInTemplate + " not in the module's data");
        }
        v.put("appliance_url", null);
        v.put("appliance_tls", null);
        v.put("enrollment_token", null);
        return v;
    }

    /** {@code puppet epp render} of the module's template; puppet must be installed (Debian's puppet). */
    private String renderTemplate(Map<String, Object> values) throws Exception {
        Path puppet = Path.of("/usr/bin/puppet");
        assertTrue(Files.isExecutable(puppet), "puppet is required to render " + TEMPLATE
                + " (apt-get install puppet); this test must not pass without it");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path out = tmp.resolve("rendered.yaml");
        Path err = tmp.resolve("puppet.err");
        List<String> cmd = new ArrayList<>(List.of(puppet.toString(), "epp", "render", "--values", literal(values),
                "--confdir", home.resolve("conf").toString(), "--vardir", home.resolve("var").toString(),
                TEMPLATE.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", home.toString());
        Process proc = pb.start();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new AssertionError("puppet epp render did not finish in 120 s: " + cmd);
        }
        String rendered = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, proc.exitValue(), "puppet epp render failed: " + cmd + "\n" + Files.readString(err));
        assertTrue(rendered.contains("relay:"), "nothing rendered by " + cmd + "\n" + Files.readString(err));
        return rendered;
    }

    /** A Puppet literal of strings, numbers, booleans, undef and hashes, for {@code --values}. */
    private static String literal(Object v) {
        if (v == null) {
            return "undef";
        }
        if (v instanceof Boolean || v instanceof Number) {
            return v.toString();
        }
        if (v instanceof Map<?, ?> m) {
            List<String> entries = new ArrayList<>();
            m.forEach((k, val) -> entries.add(literal(k) + " => " + literal(val)));
            return "{" + String.join(", ", entries) + "}";
        }
        if (v instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        throw new IllegalArgumentException("no Puppet literal for " + v.getClass());
    }
}
