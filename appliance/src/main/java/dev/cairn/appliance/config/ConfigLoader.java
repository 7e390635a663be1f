package dev.cairn.appliance.config;

import dev.cairn.tsdb.bucket.S3Config;
import dev.cairn.tsdb.bucket.S3Credentials;
import dev.cairn.tsdb.wal.SyncPolicy;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code appliance.yaml} over {@link ApplianceConfig#defaults()}, then the command-line
 * overrides, and checks it all at once: unknown keys, wrong types, bad values and directories we
 * cannot write are each reported with their YAML path, in one {@link ConfigException}, before
 * anything listens or writes. The YAML is read into plain maps (snakeyaml-engine, no bean binding)
 * and walked here, so what a key means is written in one readable place.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?"
            + "(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] DURATION_UNITS_MS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000,
        60_000, 1_000, 1};

    private final List<String> errors = new ArrayList<>();

    private ConfigLoader() {
    }

    /**
     * The configuration from {@code file} (null: the embedded defaults) with the flags applied on top
     * (each null when not given).
     *
     * @param httpAddress {@code HOST:PORT}
     * @throws ConfigException listing every problem found, each with its YAML path or flag
     */
    public static ApplianceConfig load(Path file, Path dataDirFlag, String httpAddressFlag) throws ConfigException {
        return load(file, dataDirFlag, httpAddressFlag, null);
    }

    /** As {@link #load(Path, Path, String)}, with {@code --grpc-address HOST:PORT} (null when not given). */
    public static ApplianceConfig load(Path file, Path dataDirFlag, String httpAddressFlag, String grpcAddressFlag)
            throws ConfigException {
        return load(file, dataDirFlag, httpAddressFlag, grpcAddressFlag, null, true);
    }

    /**
     * As {@link #load(Path, Path, String, String)}, with {@code --agents-address HOST:PORT} (null when not given),
     * which enables the agents' HTTPS port.
     */
    public static ApplianceConfig load(Path file, Path dataDirFlag, String httpAddressFlag, String grpcAddressFlag,
                                       String agentsAddressFlag) throws ConfigException {
        return load(file, dataDirFlag, httpAddressFlag, grpcAddressFlag, agentsAddressFlag, true);
    }

    /**
     * The configuration for a tool that only reads the appliance's data ({@code cairn bucket ...}): as
     * {@link #load(Path, Path, String)} without creating or checking the appliance's directories.
     */
    public static ApplianceConfig loadForTool(Path file, Path dataDirFlag) throws ConfigException {
        return load(file, dataDirFlag, null, null, null, false);
    }

    private static ApplianceConfig load(Path file, Path dataDirFlag, String httpAddressFlag, String grpcAddressFlag,
                                        String agentsAddressFlag, boolean checkDirectories) throws ConfigException {
        ConfigLoader l = new ConfigLoader();
        ApplianceConfig c = ApplianceConfig.defaults();
        if (file != null) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e);
            }
            Object root;
            try {
                root = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
            } catch (YamlEngineException e) {
                throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
            }
            if (root != null) {
                c = l.root(root, c);
            }
        }
        if (dataDirFlag != null) {
            c = c.withDataDir(dataDirFlag);
        }
        if (httpAddressFlag != null) {
            ApplianceConfig.Http h = l.address("--http-address", httpAddressFlag);
            if (h != null) {
                c = c.withHttp(h);
            }
        }
        if (grpcAddressFlag != null) {
            ApplianceConfig.Http g = l.address("--grpc-address", grpcAddressFlag);
            if (g != null) {
                c = c.withGrpc(g);
            }
        }
        if (agentsAddressFlag != null) {
            ApplianceConfig.Http a = l.address("--agents-address", agentsAddressFlag);
            if (a != null) {
                c = c.withAgents(new ApplianceConfig.Agents(a, c.agents().serverNames(), c.agents().clientCaFile()));
            }
        }
        l.checkTenantLabel(c);
        if (checkDirectories) {
            l.checkDirectories(c);
        }
        if (!l.errors.isEmpty()) {
            String where = file == null ? "the configuration" : "config file " + file;
            throw new ConfigException(where + " is invalid: " + String.join("; ", l.errors));
        }
        return c;
    }

    /** Sections of parts not built yet: their documented keys are accepted (and not used yet). */
    private static final Map<String, Set<String>> LATER = Map.of(
            "ca", Set.of("dir", "agent_cert_validity", "token_validity"),
            "log", Set.of("level"));

    private ApplianceConfig root(Object node, ApplianceConfig d) {
        Set<String> known = new java.util.HashSet<>(Set.of("external_labels", "data_dir", "http", "receive", "bucket",
                "query", "compact", "grpc", "store", "agents", "pki"));
        known.addAll(LATER.keySet());
        Map<String, Object> m = map("", node, known);
        if (m == null) {
            return d;
        }
        Path dataDir = m.containsKey("data_dir") ? path("data_dir", m.get("data_dir"), d.dataDir()) : d.dataDir();
        Map<String, String> external = d.externalLabels();
        if (m.containsKey("external_labels")) {
            external = labels("external_labels", m.get("external_labels"), external);
        }
        ApplianceConfig.Http http = d.http();
        if (m.containsKey("http")) {
            Map<String, Object> h = map("http", m.get("http"), Set.of("listen"));
            if (h != null && h.containsKey("listen")) {
                String a = string("http.listen", h.get("listen"), null);
                if (a != null) {
                    ApplianceConfig.Http parsed = address("http.listen", a);
                    http = parsed != null ? parsed : http;
                }
            }
        }
        ApplianceConfig.Http grpc = d.grpc();
        ApplianceConfig.ServerTls grpcTls = d.grpcTls();
        if (m.containsKey("grpc") && m.get("grpc") != null) {
            Map<String, Object> g = map("grpc", m.get("grpc"), Set.of("listen", "tls"));
            if (g != null && g.containsKey("listen")) {
                String a = string("grpc.listen", g.get("listen"), null);
                if (a != null) {
                    ApplianceConfig.Http parsed = address("grpc.listen", a);
                    grpc = parsed != null ? parsed : grpc;
                }
            }
            if (g != null && g.get("tls") != null) {
                grpcTls = serverTls("grpc.tls", g.get("tls"));
            }
        }
        for (Map.Entry<String, Set<String>> later : LATER.entrySet()) {
            if (m.containsKey(later.getKey()) && m.get(later.getKey()) != null) {
                map(later.getKey(), m.get(later.getKey()), later.getValue());
            }
        }
        ApplianceConfig.Receive receive = m.containsKey("receive") ? receive(m.get("receive"), d.receive()) : d.receive();
        ApplianceConfig.Bucket bucket = m.containsKey("bucket") ? bucket(m.get("bucket"), d.bucket()) : d.bucket();
        ApplianceConfig.Query query = m.containsKey("query") ? query(m.get("query"), d.query()) : d.query();
        ApplianceConfig.Compact compact = m.containsKey("compact") && m.get("compact") != null
                ? compact(m.get("compact"), d.compact()) : d.compact();
        ApplianceConfig.Store store = m.containsKey("store") && m.get("store") != null
                ? store(m.get("store"), d.store()) : d.store();
        ApplianceConfig.Agents agents = m.get("agents") != null ? agents(m.get("agents"), d.agents()) : d.agents();
        ApplianceConfig.Pki pki = m.get("pki") != null ? pki(m.get("pki"), d.pki()) : d.pki();
        return new ApplianceConfig(dataDir, http, grpc, external, receive, bucket, query, compact, store, agents,
                pki, grpcTls);
    }

    /**
     * {@code agents}: {@code listen} ("" disables the port; {@code listen_address}, the name in the agent protocol
     * document, is read as a synonym), {@code server_names}, {@code client_ca_file}; {@code heartbeat_timeout} is
     * accepted for the agent registry.
     */
    private ApplianceConfig.Agents agents(Object node, ApplianceConfig.Agents d) {
        Map<String, Object> m = map("agents", node, Set.of("listen", "listen_address", "server_names",
                "client_ca_file", "heartbeat_timeout"));
        if (m == null) {
            return d;
        }
        if (m.containsKey("listen") && m.containsKey("listen_address")) {
            errors.add("agents: listen and listen_address are the same setting; keep one");
        }
        String key = m.containsKey("listen_address") ? "listen_address" : "listen";
        ApplianceConfig.Http listen = d.listen();
        if (m.containsKey(key)) {
            String a = string("agents." + key, m.get(key), null);
            if (a != null) {
                listen = a.isEmpty() ? null : address("agents." + key, a);
            }
        }
        if (m.containsKey("heartbeat_timeout")) {
            duration("agents.heartbeat_timeout", m.get("heartbeat_timeout"), null);
        }
        List<String> names = d.serverNames();
        if (m.containsKey("server_names")) {
            names = new ArrayList<>();
            if (!(m.get("server_names") instanceof List<?> l)) {
                errors.add("agents.server_names: expected a list of DNS names and IP addresses, got "
                        + describe(m.get("server_names")));
            } else {
                for (int i = 0; i < l.size(); i++) {
                    if (l.get(i) instanceof String n && Pattern.matches("[A-Za-z0-9*][A-Za-z0-9.:*-]*", n)) {
                        names.add(n);
                    } else {
                        errors.add("agents.server_names[" + i + "]: not a DNS name or IP address: " + describe(l.get(i)));
                    }
                }
            }
        }
        Path clientCa = d.clientCaFile();
        if (m.containsKey("client_ca_file")) {
            String s = string("agents.client_ca_file", m.get("client_ca_file"), "");
            clientCa = s.isEmpty() ? null : Path.of(s);
            if (clientCa != null && !Files.isReadable(clientCa)) {
                errors.add("agents.client_ca_file: cannot read " + clientCa + "; give the appliance's user read access"
                        + " or leave it empty");
            }
        }
        return new ApplianceConfig.Agents(listen, names, clientCa);
    }

    /** {@code pki}: {@code dir}, {@code enrollment_token_file}, {@code agent_certificate_lifetime}. */
    private ApplianceConfig.Pki pki(Object node, ApplianceConfig.Pki d) {
        Map<String, Object> m = map("pki", node, Set.of("dir", "enrollment_token_file", "agent_certificate_lifetime"));
        if (m == null) {
            return d;
        }
        Path dir = d.dir();
        if (m.containsKey("dir")) {
            String s = string("pki.dir", m.get("dir"), "");
            dir = s.isEmpty() ? null : Path.of(s);
        }
        Path tokens = d.enrollmentTokenFile();
        if (m.containsKey("enrollment_token_file")) {
            String s = string("pki.enrollment_token_file", m.get("enrollment_token_file"), "");
            tokens = s.isEmpty() ? null : Path.of(s);
        }
        Duration lifetime = m.containsKey("agent_certificate_lifetime")
                ? duration("pki.agent_certificate_lifetime", m.get("agent_certificate_lifetime"),
                        d.agentCertificateLifetime())
                : d.agentCertificateLifetime();
        if (lifetime.toMillis() < 3000) {
            errors.add("pki.agent_certificate_lifetime: must be at least 3s (agents renew at two thirds of it), got "
                    + lifetime.toMillis() + "ms");
            lifetime = d.agentCertificateLifetime();
        }
        return new ApplianceConfig.Pki(dir, tokens, lifetime);
    }

    private ApplianceConfig.Store store(Object node, ApplianceConfig.Store d) {
        Map<String, Object> m = map("store", node, Set.of("sync_interval", "cache_max_size", "cache_dir"));
        if (m == null) {
            return d;
        }
        Duration sync = m.containsKey("sync_interval")
                ? duration("store.sync_interval", m.get("sync_interval"), d.syncInterval()) : d.syncInterval();
        if (sync.isZero()) {
            errors.add("store.sync_interval: must be more than 0");
        }
        long cache = m.containsKey("cache_max_size")
                ? size("store.cache_max_size", m.get("cache_max_size"), d.cacheMaxBytes()) : d.cacheMaxBytes();
        Path dir = m.containsKey("cache_dir") ? path("store.cache_dir", m.get("cache_dir"), d.cacheDir()) : d.cacheDir();
        return new ApplianceConfig.Store(sync, cache, dir);
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");

    /** A size in bytes: a whole number, or one with a unit B, KiB, MiB, GiB or TiB ({@code 512MiB}). */
    private long size(String path, Object v, long dflt) {
        if (v instanceof Number n && !(v instanceof Double) && n.longValue() >= 0) {
            return n.longValue();
        }
        if (v instanceof String str) {
            Matcher mm = SIZE.matcher(str.trim());
            if (mm.matches()) {
                int shift = switch (mm.group(2) == null ? "B" : mm.group(2)) {
                    case "KiB" -> 10;
                    case "MiB" -> 20;
                    case "GiB" -> 30;
                    case "TiB" -> 40;
                    default -> 0;
                };
                try {
                    long base = Long.parseLong(mm.group(1));
                    if (base <= (Long.MAX_VALUE >> shift)) {
                        return base << shift;
                    }
                } catch (NumberFormatException e) {
                    // too large: reported below
                }
            }
        }
        errors.add(path + ": expected a size such as 512MiB or 2GiB (units B, KiB, MiB, GiB, TiB), got " + describe(v));
        return dflt;
    }

    private ApplianceConfig.Compact compact(Object node, ApplianceConfig.Compact d) {
        Map<String, Object> m = map("compact", node, Set.of("enabled", "dir", "interval", "retention_raw",
                "retention_5m", "retention_1h"));
        if (m == null) {
            return d;
        }
        boolean enabled = d.enabled();
        if (m.containsKey("enabled")) {
            if (m.get("enabled") instanceof Boolean b) {
                enabled = b;
            } else {
                errors.add("compact.enabled: expected true or false, got " + describe(m.get("enabled")));
            }
        }
        Path dir = m.containsKey("dir") ? path("compact.dir", m.get("dir"), d.dir()) : d.dir();
        Duration interval = m.containsKey("interval")
                ? duration("compact.interval", m.get("interval"), d.interval()) : d.interval();
        if (interval.isZero()) {
            errors.add("compact.interval: must be more than 0");
        }
        Duration raw = m.containsKey("retention_raw")
                ? duration("compact.retention_raw", m.get("retention_raw"), d.retentionRaw()) : d.retentionRaw();
        Duration five = m.containsKey("retention_5m")
                ? duration("compact.retention_5m", m.get("retention_5m"), d.retention5m()) : d.retention5m();
        Duration hour = m.containsKey("retention_1h")
                ? duration("compact.retention_1h", m.get("retention_1h"), d.retention1h()) : d.retention1h();
        return new ApplianceConfig.Compact(enabled, dir, interval, raw, five, hour);
    }

    private Map<String, String> labels(String path, Object node, Map<String, String> dflt) {
        Map<String, Object> m = node == null ? Map.of() : map(path, node, null);
        if (m == null) {
            return dflt;
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!java.util.regex.Pattern.matches("[a-zA-Z_][a-zA-Z0-9_]*", e.getKey())) {
                errors.add(path + "." + e.getKey() + ": not a valid label name");
            } else if (!(e.getValue() instanceof String v) || v.isEmpty()) {
                errors.add(path + "." + e.getKey() + ": expected a non-empty string, got " + describe(e.getValue()));
            } else {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    private ApplianceConfig.Query query(Object node, ApplianceConfig.Query d) {
        Map<String, Object> m = map("query", node, Set.of("replica_labels", "timeout", "max_samples", "lookback_delta",
                "endpoints"));
        if (m == null) {
            return d;
        }
        Duration timeout = m.containsKey("timeout") ? duration("query.timeout", m.get("timeout"), d.timeout()) : d.timeout();
        Duration lookback = m.containsKey("lookback_delta")
                ? duration("query.lookback_delta", m.get("lookback_delta"), d.lookbackDelta()) : d.lookbackDelta();
        long maxSamples = d.maxSamples();
        if (m.containsKey("max_samples")) {
            Object v = m.get("max_samples");
            if (v instanceof Number n && !(v instanceof Double) && n.longValue() > 0) {
                maxSamples = n.longValue();
            } else {
                errors.add("query.max_samples: expected a positive whole number, got " + describe(v));
            }
        }
        if (timeout.isZero()) {
            errors.add("query.timeout: must be more than 0");
        }
        if (lookback.isZero()) {
            errors.add("query.lookback_delta: must be more than 0");
        }
        List<String> replicaLabels = d.replicaLabels();
        if (m.containsKey("replica_labels")) {
            replicaLabels = new ArrayList<>();
            if (!(m.get("replica_labels") instanceof List<?> l)) {
                errors.add("query.replica_labels: expected a list of label names, got " + describe(m.get("replica_labels")));
            } else {
                for (int i = 0; i < l.size(); i++) {
                    if (l.get(i) instanceof String n && Pattern.matches("[a-zA-Z_][a-zA-Z0-9_]*", n)) {
                        replicaLabels.add(n);
                    } else {
                        errors.add("query.replica_labels[" + i + "]: not a valid label name: " + describe(l.get(i)));
                    }
                }
            }
        }
        List<ApplianceConfig.StoreEndpoint> endpoints = d.endpoints();
        if (m.get("endpoints") != null) {
            endpoints = new ArrayList<>();
            if (!(m.get("endpoints") instanceof List<?> l)) {
                errors.add("query.endpoints: expected a list of HOST:PORT or {address, tls}, got "
                        + describe(m.get("endpoints")));
            } else {
                for (int i = 0; i < l.size(); i++) {
                    ApplianceConfig.StoreEndpoint e = endpoint("query.endpoints[" + i + "]", l.get(i));
                    if (e != null) {
                        endpoints.add(e);
                    }
                }
            }
        }
        return new ApplianceConfig.Query(timeout, maxSamples, lookback, replicaLabels, endpoints);
    }

    /**
     * {@code {cert_file, key_file, client_ca_file}} of a listener: certificate and key required, a
     * client CA for mutual TLS. The files must be readable now (they are read again on renewal).
     */
    private ApplianceConfig.ServerTls serverTls(String path, Object node) {
        Map<String, Object> t = map(path, node, Set.of("cert_file", "key_file", "client_ca_file"));
        if (t == null) {
            return null;
        }
        Path cert = t.containsKey("cert_file") ? path(path + ".cert_file", t.get("cert_file"), null) : null;
        Path key = t.containsKey("key_file") ? path(path + ".key_file", t.get("key_file"), null) : null;
        Path ca = t.containsKey("client_ca_file") ? path(path + ".client_ca_file", t.get("client_ca_file"), null) : null;
        if (cert == null || key == null) {
            errors.add(path + ": cert_file and key_file are required (the server's certificate and its key)");
            return null;
        }
        // & rather than &&: report every unreadable file at once
        boolean readable = readable(path + ".cert_file", cert) & readable(path + ".key_file", key)
                & (ca == null || readable(path + ".client_ca_file", ca));
        return readable ? new ApplianceConfig.ServerTls(cert, key, ca) : null;
    }

    private boolean readable(String path, Path file) {
        if (Files.isReadable(file) && Files.isRegularFile(file)) {
            return true;
        }
        errors.add(path + ": cannot read " + file.toAbsolutePath()
                + (Files.exists(file) ? " (check its permissions for the cairn user)" : " (no such file)"));
        return false;
    }

    /** {@code HOST:PORT} (plaintext) or {@code {address: HOST:PORT, tls: {ca_file, cert_file, key_file}}}. */
    private ApplianceConfig.StoreEndpoint endpoint(String path, Object node) {
        if (node instanceof String a) {
            ApplianceConfig.Http h = address(path, a);
            return h == null ? null : new ApplianceConfig.StoreEndpoint(h.host(), h.port(), null);
        }
        Map<String, Object> m = map(path, node, Set.of("address", "tls"));
        if (m == null) {
            return null;
        }
        String a = string(path + ".address", m.get("address"), null);
        ApplianceConfig.Http h = a == null ? null : address(path + ".address", a);
        ApplianceConfig.Tls tls = null;
        if (m.get("tls") != null) {
            Map<String, Object> t = map(path + ".tls", m.get("tls"), Set.of("ca_file", "cert_file", "key_file"));
            if (t != null) {
                Path ca = t.containsKey("ca_file") ? path(path + ".tls.ca_file", t.get("ca_file"), null) : null;
                Path cert = t.containsKey("cert_file") ? path(path + ".tls.cert_file", t.get("cert_file"), null) : null;
                Path key = t.containsKey("key_file") ? path(path + ".tls.key_file", t.get("key_file"), null) : null;
                if (ca == null) {
                    errors.add(path + ".tls.ca_file: required: the CA the endpoint's certificate must chain to");
                } else if ((cert == null) != (key == null)) {
                    errors.add(path + ".tls: cert_file and key_file go together (both, or neither)");
                } else {
                    tls = new ApplianceConfig.Tls(cert, key, ca);
                }
            }
        }
        return h == null ? null : new ApplianceConfig.StoreEndpoint(h.host(), h.port(), tls);
    }

    private ApplianceConfig.Receive receive(Object node, ApplianceConfig.Receive d) {
        Map<String, Object> m = map("receive", node, Set.of("dir", "replica", "wal_sync", "block_duration",
                "local_retention", "max_request_bytes", "hashring", "replication_factor", "tenancy", "tenant_header",
                "default_tenant", "tenant_label"));
        if (m == null) {
            return d;
        }
        Path dir = m.containsKey("dir") ? path("receive.dir", m.get("dir"), d.dir()) : d.dir();
        if (m.get("hashring") != null && !(m.get("hashring") instanceof List<?> l && l.isEmpty())) {
            errors.add("receive.hashring: spreading series over several appliances is not supported yet; leave it empty");
        }
        if (m.get("replication_factor") != null && !Integer.valueOf(1).equals(m.get("replication_factor"))) {
            errors.add("receive.replication_factor: only 1 is supported yet, got " + describe(m.get("replication_factor")));
        }
        String replica = m.containsKey("replica") ? string("receive.replica", m.get("replica"), d.replica()) : d.replica();
        SyncPolicy sync = d.walSync();
        if (m.containsKey("wal_sync")) {
            String s = string("receive.wal_sync", m.get("wal_sync"), null);
            if (s != null) {
                try {
                    sync = SyncPolicy.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    errors.add("receive.wal_sync: \"" + s + "\" is not one of always, batch, interval, none");
                }
            }
        }
        Duration block = m.containsKey("block_duration")
                ? duration("receive.block_duration", m.get("block_duration"), d.blockDuration()) : d.blockDuration();
        if (block.toMillis() < 1000) {
            errors.add("receive.block_duration: must be at least 1s, got " + block.toMillis() + "ms");
        }
        Duration retention = m.containsKey("local_retention")
                ? duration("receive.local_retention", m.get("local_retention"), d.localRetention()) : d.localRetention();
        int maxBytes = d.maxRequestBytes();
        if (m.containsKey("max_request_bytes")) {
            Object v = m.get("max_request_bytes");
            if (v instanceof Number n && n.longValue() > 0 && n.longValue() <= Integer.MAX_VALUE
                    && !(v instanceof Double)) {
                maxBytes = n.intValue();
            } else {
                errors.add("receive.max_request_bytes: expected a whole number of bytes between 1 and "
                        + Integer.MAX_VALUE + ", got " + v);
            }
        }
        return new ApplianceConfig.Receive(dir, replica, sync, block, retention, maxBytes, tenancy(m, d.tenancy()));
    }

    /** {@code receive.tenancy} and the keys naming the tenant's header, default and label. */
    private ApplianceConfig.Tenancy tenancy(Map<String, Object> m, ApplianceConfig.Tenancy d) {
        boolean enabled = d.enabled();
        if (m.containsKey("tenancy")) {
            if (m.get("tenancy") instanceof Boolean b) {
                enabled = b;
            } else {
                errors.add("receive.tenancy: expected true or false, got " + describe(m.get("tenancy")));
            }
        }
        String header = m.containsKey("tenant_header") ? string("receive.tenant_header", m.get("tenant_header"),
                d.header()) : d.header();
        // an HTTP header name is a token (RFC 9110 section 5.1)
        if (!Pattern.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+", header)) {
            errors.add("receive.tenant_header: \"" + header + "\" is not an HTTP header name (letters, digits, - and _)");
        }
        String dflt = m.containsKey("default_tenant") ? string("receive.default_tenant", m.get("default_tenant"),
                d.defaultTenant()) : d.defaultTenant();
        String problem = dev.cairn.appliance.receive.TenantName.problem(dflt);
        if (problem != null) {
            errors.add("receive.default_tenant: " + problem);
        }
        String label = m.containsKey("tenant_label") ? string("receive.tenant_label", m.get("tenant_label"),
                d.label()) : d.label();
        if (!Pattern.matches("[a-zA-Z_][a-zA-Z0-9_]*", label) || label.startsWith("__")) {
            errors.add("receive.tenant_label: \"" + label + "\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not"
                    + " starting with __)");
        }
        return new ApplianceConfig.Tenancy(enabled, header, dflt, label);
    }

    /**
     * The tenant label must stay apart from the labels it is added beside: an external label or
     * {@code receive_replica} of the same name would be overwritten, and a replica label would make the query
     * layer merge the tenants' series as if they were HA replicas of one another.
     */
    private void checkTenantLabel(ApplianceConfig c) {
        ApplianceConfig.Tenancy t = c.receive().tenancy();
        if (!t.enabled()) {
            return;
        }
        if (c.externalLabels().containsKey(t.label())) {
            errors.add("receive.tenant_label: \"" + t.label() + "\" is also in external_labels; pick another name");
        }
        if (t.label().equals("receive_replica")) {
            errors.add("receive.tenant_label: \"receive_replica\" is the receiver's replica label; pick another name");
        }
        if (c.query().replicaLabels().contains(t.label())) {
            errors.add("receive.tenant_label: \"" + t.label() + "\" is in query.replica_labels, so the tenants' series"
                    + " would be deduplicated into one another; remove it there or pick another name");
        }
    }

    private ApplianceConfig.Bucket bucket(Object node, ApplianceConfig.Bucket d) {
        Map<String, Object> m = map("bucket", node, Set.of("type", "filesystem", "s3"));
        if (m == null) {
            return d;
        }
        String type = m.containsKey("type") ? string("bucket.type", m.get("type"), d.type()) : d.type();
        if (!type.equals("filesystem") && !type.equals("s3")) {
            errors.add("bucket.type: \"" + type + "\" is not one of filesystem, s3");
            type = d.type();
        }
        S3Config s3 = null;
        if (type.equals("s3")) {
            s3 = s3(m.get("s3"));
            if (s3 == null) {
                type = "filesystem"; // the errors say why; keep the record consistent
            }
        } else if (m.get("s3") != null) {
            map("bucket.s3", m.get("s3"), S3_KEYS); // accepted for switching types by hand, checked for typos
        }
        Path dir = d.directory();
        if (m.get("filesystem") != null) {
            Map<String, Object> fs = map("bucket.filesystem", m.get("filesystem"), Set.of("dir"));
            if (fs != null && fs.containsKey("dir")) {
                dir = path("bucket.filesystem.dir", fs.get("dir"), dir);
            }
        }
        return new ApplianceConfig.Bucket(type, dir, s3);
    }

    private static final Set<String> S3_KEYS = Set.of("endpoint", "bucket", "region", "access_key", "secret_key",
            "path_style");

    /**
     * {@code bucket.s3}: {@code bucket} is required; {@code endpoint} empty means AWS; {@code region} defaults to
     * us-east-1; {@code path_style} to true with an endpoint (on-premise stores rarely have wildcard DNS); empty
     * keys mean the AWS SDK's default chain (environment, profile, instance role).
     */
    private S3Config s3(Object node) {
        if (node == null) {
            errors.add("bucket.s3: required with bucket.type s3 (at least bucket.s3.bucket)");
            return null;
        }
        Map<String, Object> m = map("bucket.s3", node, S3_KEYS);
        if (m == null) {
            return null;
        }
        String bucket = m.containsKey("bucket") ? string("bucket.s3.bucket", m.get("bucket"), "") : "";
        String endpoint = m.containsKey("endpoint") ? string("bucket.s3.endpoint", m.get("endpoint"), "") : "";
        String region = m.containsKey("region") ? string("bucket.s3.region", m.get("region"), "us-east-1") : "us-east-1";
        String access = m.containsKey("access_key") ? string("bucket.s3.access_key", m.get("access_key"), "") : "";
        String secret = m.containsKey("secret_key") ? string("bucket.s3.secret_key", m.get("secret_key"), "") : "";
        if (bucket.isEmpty()) {
            errors.add("bucket.s3.bucket: required: the name of an existing bucket");
        }
        if (region.isEmpty()) {
            errors.add("bucket.s3.region: must not be empty (S3-compatible stores mostly accept us-east-1)");
        }
        if (access.isEmpty() != secret.isEmpty()) {
            errors.add("bucket.s3.access_key and bucket.s3.secret_key go together (both, or neither for the"
                    + " AWS default credential chain)");
        }
        URI uri = null;
        if (!endpoint.isEmpty()) {
            try {
                uri = new URI(endpoint);
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    throw new URISyntaxException(endpoint, "expected http:// or https:// and a host");
                }
            } catch (URISyntaxException e) {
                errors.add("bucket.s3.endpoint: \"" + endpoint + "\" is not a URL like https://minio.example:9000");
                uri = null;
            }
        }
        boolean pathStyle = uri != null;
        if (m.containsKey("path_style")) {
            if (m.get("path_style") instanceof Boolean b) {
                pathStyle = b;
            } else {
                errors.add("bucket.s3.path_style: expected true or false, got " + describe(m.get("path_style")));
            }
        }
        if (bucket.isEmpty() || region.isEmpty() || access.isEmpty() != secret.isEmpty()) {
            return null;
        }
        S3Credentials credentials = access.isEmpty() ? new S3Credentials.DefaultChain()
                : S3Credentials.of(access, secret);
        try {
            return new S3Config(bucket, uri, region, pathStyle, credentials, S3Config.DEFAULT_PART_SIZE,
                    S3Config.DEFAULT_PART_SIZE, 5, Duration.ofSeconds(10), Duration.ofSeconds(60),
                    Duration.ofMinutes(5), Duration.ofMinutes(15));
        } catch (IllegalArgumentException e) {
            errors.add("bucket." + e.getMessage());
            return null;
        }
    }

    /** Creates the directories the appliance writes and checks it can write them, now rather than at the first block. */
    private void checkDirectories(ApplianceConfig c) {
        if (!errors.isEmpty()) {
            return; // paths may be half-parsed
        }
        checkWritable("data_dir", c.dataDir());
        checkWritable("receive.dir", c.receiveDir());
        if (!c.bucket().isS3()) {
            checkWritable("bucket.filesystem.dir", c.bucketDir());
        }
        if (c.compact().enabled()) {
            checkWritable("compact.dir", c.compactDir());
        }
        if (c.agents().enabled()) {
            checkWritable("pki.dir", c.pkiDir());
        }
        checkWritable("store.cache_dir", c.storeCacheDir());
    }

    private void checkWritable(String path, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            errors.add(path + ": cannot create directory " + dir + " (" + e + "); create it for the appliance's user");
            return;
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            errors.add(path + ": directory " + dir + " is not writable; give the appliance's user write access");
        }
    }

    ApplianceConfig.Http address(String path, String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            errors.add(path + ": \"" + text + "\" is not HOST:PORT");
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new ApplianceConfig.Http(host, port);
        } catch (NumberFormatException e) {
            errors.add(path + ": port of \"" + text + "\" must be a number from 0 to 65535");
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(String path, Object node, Set<String> known) {
        if (!(node instanceof Map<?, ?> raw)) {
            errors.add((path.isEmpty() ? "top level" : path) + ": expected a mapping, got " + describe(node));
            return null;
        }
        for (Object k : raw.keySet()) {
            if (!(k instanceof String s) || (known != null && !known.contains(s))) {
                errors.add((path.isEmpty() ? "" : path + ".") + k + (known == null ? ": keys must be strings"
                        : ": unknown key (known here: " + String.join(", ", known.stream().sorted().toList()) + ")"));
            }
        }
        return (Map<String, Object>) raw;
    }

    private String string(String path, Object v, String dflt) {
        if (v instanceof String s) {
            return s;
        }
        errors.add(path + ": expected a string, got " + describe(v));
        return dflt;
    }

    private Path path(String path, Object v, Path dflt) {
        String s = string(path, v, null);
        if (s == null) {
            return dflt;
        }
        if (s.isEmpty()) {
            errors.add(path + ": must not be empty");
            return dflt;
        }
        return Path.of(s);
    }

    private Duration duration(String path, Object v, Duration dflt) {
        String s = v instanceof Number n && n.longValue() == 0 ? "0s" : string(path, v, null);
        if (s == null) {
            return dflt;
        }
        Duration d = parseDuration(s);
        if (d == null) {
            errors.add(path + ": \"" + s + "\" is not a duration like 2h, 90m, 1d12h, 500ms");
            return dflt;
        }
        return d;
    }

    /** Prometheus's duration syntax ({@code 1y2w3d4h5m6s7ms}, units in that order); null if malformed. */
    static Duration parseDuration(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            return null;
        }
        long ms = 0;
        for (int i = 0; i < DURATION_UNITS_MS.length; i++) {
            String g = m.group(i + 1);
            if (g != null) {
                try {
                    ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(g), DURATION_UNITS_MS[i]));
                } catch (ArithmeticException | NumberFormatException e) {
                    return null;
                }
            }
        }
        return Duration.ofMillis(ms);
    }

    private static String describe(Object v) {
        if (v == null) {
            return "nothing (null)";
        }
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List) {
            return "a list";
        }
        return v.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + v;
    }
}
