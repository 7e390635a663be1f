package dev.cairn.appliance.config;

import dev.cairn.tsdb.wal.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    private Path write(String yaml) throws IOException {
        Path f = tmp.resolve("appliance.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private String error(String yaml) throws IOException {
        Path f = write(yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(f, tmp.resolve("d"), null)).getMessage();
    }

    @Test
    void load_noFile_givesEmbeddedDefaultsWithFlagsOnTop() throws Exception {
        ApplianceConfig c = ConfigLoader.load(null, tmp.resolve("d"), "127.0.0.1:0");
        assertEquals(tmp.resolve("d"), c.dataDir());
        assertEquals(new ApplianceConfig.Http("127.0.0.1", 0), c.http());
        assertEquals(tmp.resolve("d").resolve("bucket"), c.bucketDir());
        assertEquals(Duration.ofHours(2), c.receive().blockDuration());
        assertTrue(Files.isDirectory(c.bucketDir()), "the bucket directory is created before start");
    }

    @Test
    void load_exampleFile_equalsTheDefaults() throws Exception {
        // the documented example shows every default: it must read back as exactly the defaults
        Path example = Path.of("..", "docs", "appliance.example.yaml");
        ApplianceConfig fromExample = ConfigLoader.load(example, tmp.resolve("d"), null);
        assertEquals(ApplianceConfig.defaults().withDataDir(tmp.resolve("d")), fromExample);
    }

    @Test
    void load_fullFile_readsEveryKey() throws Exception {
        Path f = write("""
                external_labels: {cluster: eu1}
                data_dir: %s
                http: {listen: "0.0.0.0:9999"}
                receive:
                  dir: %s
                  replica: r1
                  wal_sync: interval
                  block_duration: 1h30m
                  local_retention: 1d
                  max_request_bytes: 1000
                  hashring: []
                  replication_factor: 1
                bucket: {type: filesystem, filesystem: {dir: %s}}
                query: {timeout: 30s, max_samples: 1000, lookback_delta: 1m, replica_labels: [replica]}
                """.formatted(tmp.resolve("x"), tmp.resolve("r"), tmp.resolve("b")));
        ApplianceConfig c = ConfigLoader.load(f, null, null);
        assertEquals(tmp.resolve("x"), c.dataDir());
        assertEquals(java.util.Map.of("cluster", "eu1"), c.externalLabels());
        assertEquals(new ApplianceConfig.Http("0.0.0.0", 9999), c.http());
        assertEquals(new ApplianceConfig.Receive(tmp.resolve("r"), "r1", SyncPolicy.INTERVAL, Duration.ofMinutes(90),
                Duration.ofDays(1), 1000, ApplianceConfig.Tenancy.OFF), c.receive());
        assertEquals(tmp.resolve("r"), c.receiveDir());
        assertEquals(tmp.resolve("b"), c.bucketDir());
        assertEquals(new ApplianceConfig.Query(Duration.ofSeconds(30), 1000, Duration.ofMinutes(1),
                java.util.List.of("replica"), java.util.List.of()), c.query());
    }

    @Test
    void load_packagedDefaultFile_isAccepted() throws Exception {
        // the file the deb/rpm install as /etc/cairn/appliance.yaml: the embedded defaults but for where the
        // service keeps its data (here replaced by the flag), listens for HTTP, and the agents' port it opens
        Path packaged = Path.of("..", "packaging", "src", "pkg", "appliance", "appliance.yaml");
        assertEquals(ApplianceConfig.defaults().withDataDir(tmp.resolve("d"))
                        .withHttp(new ApplianceConfig.Http("0.0.0.0", 10902))
                        .withAgents(new ApplianceConfig.Agents(new ApplianceConfig.Http("0.0.0.0", 19291), List.of())),
                ConfigLoader.load(packaged, tmp.resolve("d"), null));
    }

    @Test
    void load_whatThePuppetTemplateWrites_isAccepted() throws Exception {
        // puppet-module/templates/appliance.yaml.epp rendered with the module's defaults
        Path d = tmp.resolve("var");
        Path f = write("""
                external_labels: {"cluster":"dc1"}
                data_dir: "%1$s"
                http:
                  listen: "127.0.0.1:0"
                grpc:
                  listen: "0.0.0.0:10901"
                agents:
                  listen: "0.0.0.0:19291"
                  heartbeat_timeout: 5m
                receive:
                  dir: "%1$s/receive"
                bucket:
                  type: filesystem
                  filesystem:
                    dir: "%1$s/bucket"
                store:
                  cache_dir: "%1$s/cache"
                query:
                  replica_labels: ["replica","receive_replica"]
                compact:
                  enabled: true
                  dir: "%1$s/compact"
                  retention_raw: 30d
                  retention_5m: 180d
                  retention_1h: 0d
                ca:
                  dir: "%1$s/pki"
                log:
                  level: info
                """.formatted(d));
        ApplianceConfig c = ConfigLoader.load(f, null, null);
        assertEquals(java.util.Map.of("cluster", "dc1"), c.externalLabels());
        assertEquals(d.resolve("receive"), c.receiveDir());
        assertEquals(d.resolve("bucket"), c.bucketDir());
        assertEquals(new ApplianceConfig.Compact(true, d.resolve("compact"), Duration.ofMinutes(5), Duration.ofDays(30),
                Duration.ofDays(180), Duration.ZERO), c.compact());
    }

    @Test
    void load_grpcAndQueryEndpoints_areReadWithTheirTls() throws Exception {
        ApplianceConfig c = ConfigLoader.load(write("""
                grpc: {listen: "127.0.0.1:0"}
                query:
                  replica_labels: [replica]
                  endpoints:
                    - 10.0.0.5:10901
                    - {address: "store.example:10911", tls: {ca_file: /etc/ca.pem, cert_file: /etc/c.pem, key_file: /etc/k.pem}}
                """), tmp.resolve("d"), null);
        assertEquals(new ApplianceConfig.Http("127.0.0.1", 0), c.grpc());
        assertEquals(java.util.List.of("replica"), c.query().replicaLabels());
        assertEquals(java.util.List.of(new ApplianceConfig.StoreEndpoint("10.0.0.5", 10901, null),
                new ApplianceConfig.StoreEndpoint("store.example", 10911, new ApplianceConfig.Tls(Path.of("/etc/c.pem"),
                        Path.of("/etc/k.pem"), Path.of("/etc/ca.pem")))), c.query().endpoints());
        assertEquals(java.util.List.of("replica", "prometheus_replica", "receive_replica"),
                ConfigLoader.load(null, tmp.resolve("d"), null).query().replicaLabels());
        String msg = error("""
                query: {endpoints: [nohost, {address: "a:1", tls: {cert_file: /c.pem}}], replica_labels: ["bad-name"]}
                """);
        assertTrue(msg.contains("query.endpoints[0]: \"nohost\" is not HOST:PORT"), msg);
        assertTrue(msg.contains("query.endpoints[1].tls.ca_file: required"), msg);
        assertTrue(msg.contains("query.replica_labels[0]: not a valid label name"), msg);
    }

    @Test
    void load_grpcTls_readsTheFiles_andRefusesMissingOrIncompleteOnes() throws Exception {
        Path cert = Files.writeString(tmp.resolve("grpc.pem"), "not checked here: read at start");
        Path key = Files.writeString(tmp.resolve("grpc.key"), "x");
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "x");
        ApplianceConfig c = ConfigLoader.load(write(String.format("""
                grpc:
                  listen: "127.0.0.1:0"
                  tls: {cert_file: "%s", key_file: "%s", client_ca_file: "%s"}
                """, cert, key, ca)), tmp.resolve("d"), null);
        assertEquals(new ApplianceConfig.ServerTls(cert, key, ca), c.grpcTls());
        ApplianceConfig noClientCa = ConfigLoader.load(write(String.format("""
                grpc: {tls: {cert_file: "%s", key_file: "%s"}}
                """, cert, key)), tmp.resolve("d"), null);
        assertEquals(new ApplianceConfig.ServerTls(cert, key, null), noClientCa.grpcTls());
        assertEquals(null, ConfigLoader.load(null, tmp.resolve("d"), null).grpcTls(), "plaintext by default");

        String msg = error(String.format("grpc: {tls: {cert_file: \"%s\"}}%n", cert));
        assertTrue(msg.contains("grpc.tls: cert_file and key_file are required"), msg);
        msg = error(String.format("grpc: {tls: {cert_file: \"%s\", key_file: \"%s\", client_ca_file: \"%s\"}}%n",
                tmp.resolve("missing.pem"), key, tmp.resolve("missing-ca.pem")));
        assertTrue(msg.contains("grpc.tls.cert_file: cannot read " + tmp.resolve("missing.pem").toAbsolutePath()
                + " (no such file)"), msg);
        assertTrue(msg.contains("grpc.tls.client_ca_file: cannot read"), msg);
        msg = error("grpc: {tls: {cert_file: a, key_file: b, ca_file: c}}\n");
        assertTrue(msg.contains("ca_file"), msg);
    }

    @Test
    void load_s3Bucket_needsItsNameAndBothKeysOrNeither() throws Exception {
        ApplianceConfig c = ConfigLoader.load(write("""
                bucket: {type: s3, s3: {endpoint: "https://s3.example.org", bucket: metrics}}
                """), tmp.resolve("d"), null);
        assertTrue(c.bucket().isS3());
        assertEquals(java.net.URI.create("https://s3.example.org"), c.bucket().s3().endpoint());
        assertEquals("us-east-1", c.bucket().s3().region());
        assertTrue(c.bucket().s3().pathStyle(), "path style by default with an endpoint");
        assertEquals(new dev.cairn.tsdb.bucket.S3Credentials.DefaultChain(), c.bucket().s3().credentials());
        String msg = error("""
                bucket: {type: s3, s3: {endpoint: "s3.example.org", access_key: cairn, path_style: "yes"}}
                """);
        assertTrue(msg.contains("bucket.s3.bucket: required"), msg);
        assertTrue(msg.contains("bucket.s3.access_key and bucket.s3.secret_key go together"), msg);
        assertTrue(msg.contains("bucket.s3.endpoint: \"s3.example.org\" is not a URL"), msg);
        assertTrue(msg.contains("bucket.s3.path_style: expected true or false"), msg);
        assertTrue(error("bucket: {type: gcs}\n").contains("bucket.type: \"gcs\" is not one of filesystem, s3"));
    }

    @Test
    void load_compactSection_setsEveryKeyAndRejectsBadOnes() throws Exception {
        ApplianceConfig c = ConfigLoader.load(write("""
                compact: {enabled: false, dir: %s, interval: 90s, retention_raw: 7d, retention_5m: 0d, retention_1h: 1y}
                """.formatted(tmp.resolve("c"))), tmp.resolve("d"), null);
        assertEquals(new ApplianceConfig.Compact(false, tmp.resolve("c"), Duration.ofSeconds(90), Duration.ofDays(7),
                Duration.ZERO, Duration.ofDays(365)), c.compact());
        assertEquals(tmp.resolve("c"), c.compactDir());
        String msg = error("compact: {enabled: yes please, interval: 0s, retention_raw: forever}\n");
        assertTrue(msg.contains("compact.enabled: expected true or false"), msg);
        assertTrue(msg.contains("compact.interval: must be more than 0"), msg);
        assertTrue(msg.contains("compact.retention_raw: \"forever\" is not a duration"), msg);
    }

    @Test
    void load_tenancy_isOffByDefault_readsEveryKey_andRejectsBadOnes() throws Exception {
        assertEquals(new ApplianceConfig.Tenancy(false, "THANOS-TENANT", "default-tenant", "tenant_id"),
                ConfigLoader.load(null, tmp.resolve("d"), null).receive().tenancy());
        ApplianceConfig c = ConfigLoader.load(write("""
                receive: {tenancy: true, tenant_header: X-Scope-OrgID, default_tenant: anonymous, tenant_label: tenant}
                """), tmp.resolve("d"), null);
        assertEquals(new ApplianceConfig.Tenancy(true, "X-Scope-OrgID", "anonymous", "tenant"), c.receive().tenancy());
        String msg = error("""
                receive: {tenancy: "on", tenant_header: "THANOS TENANT", default_tenant: "../x", tenant_label: "tenant-id"}
                """);
        assertTrue(msg.contains("receive.tenancy: expected true or false"), msg);
        assertTrue(msg.contains("receive.tenant_header: \"THANOS TENANT\" is not an HTTP header name"), msg);
        assertTrue(msg.contains("receive.default_tenant: tenant \"../x\" starts with a dot"), msg);
        assertTrue(msg.contains("receive.tenant_label: \"tenant-id\" is not a label name"), msg);
        assertTrue(error("receive: {default_tenant: \"a/b\"}\n").contains("contains a path separator"));
        assertTrue(error("receive: {tenant_label: __tenant}\n").contains("receive.tenant_label: \"__tenant\""));
        // the tenant label must not collide with the labels beside it, nor merge tenants as replicas
        String clash = error("""
                external_labels: {tenant_id: x}
                receive: {tenancy: true}
                query: {replica_labels: [replica, tenant_id]}
                """);
        assertTrue(clash.contains("receive.tenant_label: \"tenant_id\" is also in external_labels"), clash);
        assertTrue(clash.contains("receive.tenant_label: \"tenant_id\" is in query.replica_labels"), clash);
        assertTrue(error("receive: {tenancy: true, tenant_label: receive_replica}\n")
                .contains("is the receiver's replica label"));
    }

    @Test
    void load_unknownKeys_areEachNamedWithTheirPath() throws Exception {
        String msg = error("""
                receive:
                  wal_synk: batch
                retention: 1d
                """);
        assertTrue(msg.contains("receive.wal_synk: unknown key"), msg);
        assertTrue(msg.contains("retention: unknown key"), msg);
    }

    @Test
    void load_badValues_areAllReportedAtOnce() throws Exception {
        String msg = error("""
                http: {listen: "localhost:http"}
                receive:
                  wal_sync: sometimes
                  block_duration: 2 hours
                  max_request_bytes: -5
                  hashring: [a]
                bucket: {type: gcs}
                external_labels: {cluster: [a, b], "bad-name": x}
                compact: {retention: 1d}
                """);
        assertTrue(msg.contains("http.listen: port of \"localhost:http\" must be a number"), msg);
        assertTrue(msg.contains("receive.wal_sync: \"sometimes\" is not one of always, batch, interval, none"), msg);
        assertTrue(msg.contains("receive.block_duration: \"2 hours\" is not a duration"), msg);
        assertTrue(msg.contains("receive.max_request_bytes: expected a whole number"), msg);
        assertTrue(msg.contains("bucket.type: \"gcs\" is not one of filesystem, s3"), msg);
        assertTrue(msg.contains("external_labels.cluster: expected a non-empty string, got a list"), msg);
        assertTrue(msg.contains("external_labels.bad-name: not a valid label name"), msg);
        assertTrue(msg.contains("receive.hashring: spreading series over several appliances is not supported yet"), msg);
        assertTrue(msg.contains("compact.retention: unknown key"), msg);
    }

    @Test
    void load_dataDirUnderAFile_isRejectedBeforeStart() throws Exception {
        Path file = Files.writeString(tmp.resolve("plainfile"), "x");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, file.resolve("data"), null));
        assertTrue(e.getMessage().contains("data_dir: cannot create directory " + file.resolve("data")), e.getMessage());
    }

    @Test
    void load_badHttpFlag_namesTheFlag() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, tmp.resolve("d"), "127.0.0.1"));
        assertTrue(e.getMessage().contains("--http-address: \"127.0.0.1\" is not HOST:PORT"), e.getMessage());
    }

    @Test
    void load_notYaml_saysSo() throws Exception {
        String msg = error("receive: [unclosed\n");
        assertTrue(msg.contains("is not valid YAML"), msg);
    }

    @Test
    void parseDuration_prometheusSyntax() {
        assertEquals(Duration.ofMinutes(90), ConfigLoader.parseDuration("1h30m"));
        assertEquals(Duration.ofMillis(1500), ConfigLoader.parseDuration("1s500ms"));
        assertEquals(Duration.ofDays(8), ConfigLoader.parseDuration("1w1d"));
        assertEquals(null, ConfigLoader.parseDuration("30m1h"));
        assertEquals(null, ConfigLoader.parseDuration("h"));
    }

    @Test
    void load_agentsAndPki_readEveryKeyAndTheFlag() throws Exception {
        Path f = write("""
                data_dir: %s
                agents: {listen_address: "127.0.0.1:19391", server_names: [appliance.example, 10.0.0.5],
                         client_ca_file: "%3$s"}
                pki: {dir: %s, enrollment_token_file: /etc/cairn/tokens, agent_certificate_lifetime: 30s}
                """.formatted(tmp.resolve("x"), tmp.resolve("p"), Files.writeString(tmp.resolve("extra-ca.pem"), "")));
        ApplianceConfig c = ConfigLoader.load(f, null, null);
        assertEquals(new ApplianceConfig.Agents(new ApplianceConfig.Http("127.0.0.1", 19391),
                List.of("appliance.example", "10.0.0.5"), tmp.resolve("extra-ca.pem")), c.agents());
        assertEquals(new ApplianceConfig.Pki(tmp.resolve("p"), Path.of("/etc/cairn/tokens"), Duration.ofSeconds(30)),
                c.pki());
        assertEquals(tmp.resolve("p"), c.pkiDir());
        // the embedded default has the port off; the flag turns it on
        assertEquals(null, ConfigLoader.load(null, tmp.resolve("d"), null).agents().listen());
        assertEquals(new ApplianceConfig.Http("127.0.0.1", 0),
                ConfigLoader.load(null, tmp.resolve("d"), null, null, "127.0.0.1:0").agents().listen());
        assertEquals(tmp.resolve("d").resolve("pki"), ConfigLoader.load(null, tmp.resolve("d"), null).pkiDir());

        Path bad = write("""
                agents: {listen: "1.2.3.4:19291", listen_address: ":1", server_names: ["a b"], heartbeat_timeout: soon,
                         client_ca_file: /nonexistent/ca.pem}
                pki: {agent_certificate_lifetime: 1s, enrollment_token: x}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(bad, tmp.resolve("d"), null));
        for (String want : List.of("agents: listen and listen_address are the same setting",
                "agents.server_names[0]: not a DNS name", "agents.heartbeat_timeout: \"soon\" is not a duration",
                "pki.agent_certificate_lifetime: must be at least 3s", "pki.enrollment_token: unknown key",
                "agents.client_ca_file: cannot read /nonexistent/ca.pem")) {
            assertTrue(e.getMessage().contains(want), want + " missing from " + e.getMessage());
        }
    }
}
