package dev.cairn.agent.config;

import dev.cairn.agent.config.AgentConfig.ApplianceConfig;
import dev.cairn.agent.config.AgentConfig.QueueConfig;
import dev.cairn.agent.config.AgentConfig.RelayConfig;
import dev.cairn.agent.config.AgentConfig.TlsConfig;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@code agent.yaml} over {@link AgentConfig#defaults()}: a key that is absent keeps its
 * default, an unknown key is an error (a typo must not silently fall back to a default), and every
 * problem is reported at once with its YAML path, e.g.
 * {@code relay.queue_config.max_shards: must be at least min_shards (4), got 2}.
 *
 * <p>The one schema is {@code agent/src/main/resources/dev/cairn/agent/agent.yaml}: the packages
 * install a byte-identical copy of it ({@code packaging/src/pkg/agent/agent.yaml}, a test keeps them
 * equal) as {@code /etc/cairn/agent.yaml}, and the Puppet module's {@code templates/agent.yaml.epp}
 * writes the same keys. In short:
 * <pre>
 * data_dir: /var/lib/cairn/agent
 * appliance:
 *   url: https://appliance.example:19291/api/v1/write
 *   insecure: false                 # plain http to a non-loopback host only with this
 *   tls: {cert_file: ..., key_file: ..., ca_file: ...}
 *   ca_file: ""                     # trust for enrollment: the appliance's CA (PEM) ...
 *   ca_sha256: ""                   # ... or its SHA-256 pin, fetched from the appliance
 *   enrollment_token: ""            # bootstrap token (or the file holding it)
 *   enrollment_token_file: ""
 *   heartbeat_interval: 15s         # old name of report.interval, read when that is absent
 * mode: relay                       # relay | sidecar | relay+sidecar
 * external_labels: {}               # reserved: checked, not applied yet
 * relay:
 *   listen_address: 127.0.0.1:19291
 *   max_queue_bytes: 1GiB
 *   queue_config:                   # Prometheus's names, meanings and defaults
 *     capacity: 2500
 *     min_shards: 1
 *     max_shards: 200
 *     max_samples_per_send: 500
 *     batch_send_deadline: 5s
 *     min_backoff: 30ms
 *     max_backoff: 5s
 *     remote_timeout: 30s
 * report: {interval: 15s, agent_id: ""}
 * sidecar:                          # SidecarSections reads it (and mode, report)
 *   prometheus_url: http://127.0.0.1:9090
 *   prometheus_data_dir: /var/lib/prometheus/metrics2
 *   grpc_listen: 0.0.0.0:10901
 *   advertise_address: ""
 *   upload: appliance               # appliance | bucket | none
 *   bucket: {type: filesystem|s3, filesystem: {dir}, s3: {endpoint, bucket, region, access_key, ...}}
 *   ship_interval: 30s
 *   shipper_state: DATA_DIR/shipper.json
 *   enabled: true                   # the old spelling of mode: relay+sidecar
 * pki: {dir, agent_id}             # where agent.key/agent.crt/ca.crt live; the certificate's CN
 * http: {listen: 0.0.0.0:10902}     # /metrics when the mode has no relay
 * log: {level}                      # reserved
 * </pre>
 * "Reserved" keys belong to features that are not built yet. They are accepted, so that one file
 * (and one Puppet template) serves this version and the next, and their values are type-checked
 * now, so that a file that loads today still loads when they take effect; but they change nothing.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("((\\d+)(ms|s|m|h|d))+");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?");

    private final List<String> problems = new ArrayList<>();

    private ConfigLoader() {
    }

    /** Loads and validates {@code file}. */
    public static AgentConfig load(Path file) throws IOException, ConfigException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses YAML text (named {@code source} in errors) over the defaults; does not check completeness. */
    public static AgentConfig parse(String yaml, String source) throws ConfigException {
        ConfigLoader l = new ConfigLoader();
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + e.getMessage()));
        }
        AgentConfig c = l.agent(root == null ? Map.of() : root);
        if (!l.problems.isEmpty()) {
            throw new ConfigException(source, l.problems);
        }
        return c;
    }

    /**
     * Checks what only the final config (file and flags together) can tell: a downstream URL is
     * set, and plain HTTP goes only to loopback unless {@code insecure}.
     */
    public static void validate(AgentConfig c, String source) throws ConfigException {
        List<String> p = new ArrayList<>();
        URI url = c.appliance().url();
        if (url == null) {
            p.add("appliance.url (--appliance): required; the remote-write URL of the appliance, "
                    + "e.g. https://appliance:19291/api/v1/write");
        } else if ("http".equals(url.getScheme()) && !c.appliance().insecure() && !isLoopback(url.getHost())) {
            p.add("appliance.url (--appliance): plain http to " + url.getHost()
                    + " would send metrics unencrypted; use https, or set appliance.insecure: true (--insecure)");
        }
        if (!p.isEmpty()) {
            throw new ConfigException(source, p);
        }
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name: do not resolve it here, DNS may say anything later
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private AgentConfig agent(Object node) {
        AgentConfig d = AgentConfig.defaults();
        Map<String, Object> m = map(node, "");
        if (m == null) {
            return d;
        }
        keys(m, "", Set.of("data_dir", "appliance", "relay", "external_labels", "sidecar", "pki", "http", "log",
                "mode", "report"));
        if (m.containsKey("external_labels")) {
            labels(m.get("external_labels"), "external_labels");
        }
        reserved(m, "log", Map.of("level", Kind.LOG_LEVEL));
        Path dataDir = m.containsKey("data_dir") ? path(m.get("data_dir"), "data_dir") : d.dataDir();
        ApplianceConfig a = m.containsKey("appliance") ? appliance(m.get("appliance"), d.appliance()) : d.appliance();
        RelayConfig r = m.containsKey("relay") ? relay(m.get("relay"), d.relay()) : d.relay();
        // mode, sidecar and report: SidecarSections
        SidecarSections sc = new SidecarSections(problems);
        Boolean[] legacyEnabled = new Boolean[1];
        SidecarConfig sidecar = m.containsKey("sidecar") ? sc.sidecar(m.get("sidecar"), d.sidecar(), legacyEnabled)
                : d.sidecar();
        Mode mode = m.containsKey("mode") ? sc.mode(m.get("mode"), d.mode())
                : Boolean.TRUE.equals(legacyEnabled[0]) ? Mode.RELAY_AND_SIDECAR : d.mode();
        if (legacyEnabled[0] != null && m.containsKey("mode") && legacyEnabled[0] != mode.sidecar()) {
            problems.add("sidecar.enabled: " + legacyEnabled[0] + " contradicts mode: " + mode.text()
                    + "; remove sidecar.enabled (mode says what runs)");
        }
        ReportConfig report = m.containsKey("report") ? sc.report(m.get("report"), d.report()) : d.report();
        if (!(m.get("report") instanceof Map<?, ?> rm && rm.containsKey("interval"))
                && m.get("appliance") instanceof Map<?, ?> am && am.get("heartbeat_interval") instanceof String hb) {
            // the key of the version before report.interval, still honoured when report.interval is absent
            Duration iv = parseDuration(hb);
            if (iv != null && !iv.isZero()) {
                report = new ReportConfig(iv, report.agentId());
            }
        }
        AgentConfig.HttpConfig http = d.http();
        Map<String, Object> hm = m.containsKey("http") ? map(m.get("http"), "http") : null;
        if (hm != null) {
            keys(hm, "http", Set.of("listen"));
            HostPort hp = hm.containsKey("listen") ? hostPort(hm.get("listen"), "http.listen", problems) : null;
            if (hp != null) {
                http = new AgentConfig.HttpConfig(hp.host(), hp.port());
            }
        }
        dataDir = dataDir == null ? d.dataDir() : dataDir;
        AgentConfig.PkiConfig pki = pki(m, dataDir, d.pki());
        // one id: the appliance takes an agent's heartbeats only from its certificate's CN (pki.agent_id)
        if (!report.agentId().isEmpty() && !pki.agentId().isEmpty() && !report.agentId().equals(pki.agentId())) {
            problems.add("report.agent_id \"" + report.agentId() + "\" and pki.agent_id \"" + pki.agentId()
                    + "\" differ: the appliance takes heartbeats only from the certificate's CN, so keep pki.agent_id "
                    + "and remove report.agent_id");
        } else if (report.agentId().isEmpty() && !pki.agentId().isEmpty()) {
            report = new ReportConfig(report.interval(), pki.agentId());
        }
        return new AgentConfig(dataDir, a, r, mode, sidecar, report, http, pki);
    }

    /**
     * The certificate settings: {@code appliance.ca_file}, {@code ca_sha256}, {@code enrollment_token},
     * {@code enrollment_token_file}, and the {@code pki} section ({@code dir}, {@code agent_id}).
     */
    private AgentConfig.PkiConfig pki(Map<String, Object> root, Path dataDir, AgentConfig.PkiConfig d) {
        Map<String, Object> app = root.get("appliance") instanceof Map<?, ?> ? map(root.get("appliance"), "appliance")
                : Map.of();
        Path caFile = optionalPath(app, "ca_file", "appliance", d.caFile());
        String pin = d.caSha256();
        if (app.containsKey("ca_sha256")) {
            Object v = app.get("ca_sha256");
            String hex = v instanceof String s ? s.replace(":", "").toLowerCase(Locale.ROOT) : null;
            if (hex == null || !(hex.isEmpty() || hex.matches("[0-9a-f]{64}"))) {
                problems.add("appliance.ca_sha256: expected the 64 hex digits of the CA certificate's SHA-256 "
                        + "(openssl x509 -in ca.pem -outform DER | sha256sum), got " + describe(v));
            } else {
                pin = hex;
            }
        }
        if (caFile != null && !pin.isEmpty()) {
            problems.add("appliance.ca_file and appliance.ca_sha256: give one way to trust the appliance, not both");
        }
        String token = d.enrollmentToken();
        if (app.containsKey("enrollment_token")) {
            if (app.get("enrollment_token") instanceof String s) {
                token = s.strip();
            } else if (app.get("enrollment_token") != null) {
                problems.add("appliance.enrollment_token: expected a string, got " + describe(app.get("enrollment_token")));
            }
        }
        Path tokenFile = optionalPath(app, "enrollment_token_file", "appliance", d.enrollmentTokenFile());
        Path dir = d.dir();
        String agentId = d.agentId();
        if (root.containsKey("pki") && root.get("pki") != null) {
            Map<String, Object> m = map(root.get("pki"), "pki");
            if (m != null) {
                keys(m, "pki", Set.of("dir", "agent_id"));
                dir = optionalPath(m, "dir", "pki", dir);
                if (m.containsKey("agent_id")) {
                    if (m.get("agent_id") instanceof String s
                            && (s.isEmpty() || s.matches("[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}"))) {
                        agentId = s;
                    } else {
                        problems.add("pki.agent_id: expected a host-name-like id (letters, digits, . - _ @ :), or \"\" "
                                + "for this host's name, got " + describe(m.get("agent_id")));
                    }
                }
            }
        }
        if (dir != null && dir.equals(dataDir.resolve("pki"))) {
            dir = null; // spelled out, the default is still the default (the Puppet template writes it)
        }
        return new AgentConfig.PkiConfig(dir, agentId, caFile, pin, token, tokenFile);
    }

    /** A path, or {@code dflt} when absent, or null when "" (the documented way to say "not set"). */
    private Path optionalPath(Map<String, Object> m, String key, String at, Path dflt) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Object v = m.get(key);
        if ("".equals(v) || v == null) {
            return null;
        }
        return path(v, at + "." + key);
    }

    private ApplianceConfig appliance(Object node, ApplianceConfig d) {
        Map<String, Object> m = map(node, "appliance");
        if (m == null) {
            return d;
        }
        keys(m, "appliance", Set.of("url", "insecure", "tls", "enrollment_token", "enrollment_token_file",
                "heartbeat_interval", "ca_file", "ca_sha256"));
        // the heartbeat is not built yet: checked, then ignored (enrollment and trust are read by pki())
        check(m, "heartbeat_interval", "appliance", Kind.DURATION);
        URI url = d.url();
        if (m.containsKey("url")) {
            url = url(m.get("url"), "appliance.url");
        }
        boolean insecure = m.containsKey("insecure") ? bool(m.get("insecure"), "appliance.insecure") : d.insecure();
        TlsConfig tls = d.tls();
        if (m.containsKey("tls") && m.get("tls") != null) {
            Map<String, Object> t = map(m.get("tls"), "appliance.tls");
            if (t != null) {
                keys(t, "appliance.tls", Set.of("cert_file", "key_file", "ca_file"));
                Path cert = requiredPath(t, "cert_file", "appliance.tls");
                Path key = requiredPath(t, "key_file", "appliance.tls");
                Path ca = requiredPath(t, "ca_file", "appliance.tls");
                if (cert != null && key != null && ca != null) {
                    tls = new TlsConfig(cert, key, ca);
                }
            }
        }
        return new ApplianceConfig(url, insecure, tls);
    }

    private RelayConfig relay(Object node, RelayConfig d) {
        Map<String, Object> m = map(node, "relay");
        if (m == null) {
            return d;
        }
        keys(m, "relay", Set.of("listen_address", "max_queue_bytes", "queue_config"));
        RelayConfig r = d;
        if (m.containsKey("listen_address")) {
            HostPort hp = hostPort(m.get("listen_address"), "relay.listen_address", problems);
            if (hp != null) {
                r = r.withListen(hp.host(), hp.port());
            }
        }
        if (m.containsKey("max_queue_bytes")) {
            long b = bytes(m.get("max_queue_bytes"), "relay.max_queue_bytes");
            if (b > 0 && b < (4L << 20)) {
                problems.add("relay.max_queue_bytes: must be at least 4MiB (the queue needs a few segments), got " + b);
            } else if (b > 0) {
                r = r.withMaxQueueBytes(b);
            }
        }
        if (m.containsKey("queue_config")) {
            r = r.withQueue(queue(m.get("queue_config"), d.queue()));
        }
        return r;
    }

    private QueueConfig queue(Object node, QueueConfig d) {
        String at = "relay.queue_config";
        Map<String, Object> m = map(node, at);
        if (m == null) {
            return d;
        }
        keys(m, at, Set.of("capacity", "min_shards", "max_shards", "max_samples_per_send", "batch_send_deadline",
                "min_backoff", "max_backoff", "remote_timeout"));
        int capacity = positiveInt(m, "capacity", at, d.capacity());
        int minShards = positiveInt(m, "min_shards", at, d.minShards());
        int maxShards = positiveInt(m, "max_shards", at, d.maxShards());
        int perSend = positiveInt(m, "max_samples_per_send", at, d.maxSamplesPerSend());
        Duration deadline = duration(m, "batch_send_deadline", at, d.batchSendDeadline());
        Duration minB = duration(m, "min_backoff", at, d.minBackoff());
        Duration maxB = duration(m, "max_backoff", at, d.maxBackoff());
        Duration timeout = duration(m, "remote_timeout", at, d.remoteTimeout());
        boolean ok = true;
        if (maxShards < minShards) {
            problems.add(at + ".max_shards: must be at least min_shards (" + minShards + "), got " + maxShards);
            ok = false;
        }
        if (maxB.compareTo(minB) < 0) {
            problems.add(at + ".max_backoff: must be at least min_backoff (" + minB.toMillis() + "ms), got "
                    + maxB.toMillis() + "ms");
        }
        if (!ok || capacity <= 0 || minShards <= 0 || maxShards <= 0 || perSend <= 0) {
            return d;
        }
        return new QueueConfig(capacity, minShards, maxShards, perSend, deadline, minB, maxB, timeout);
    }

    // ---- reserved sections: features not built yet; their keys are checked but change nothing ----

    /** What a reserved key must hold. */
    private enum Kind { BOOL, STRING, PATH, OPTIONAL_PATH, URL, HOST_PORT, DURATION, LOG_LEVEL }

    private void reserved(Map<String, Object> parent, String section, Map<String, Kind> known) {
        if (!parent.containsKey(section)) {
            return;
        }
        Map<String, Object> m = map(parent.get(section), section);
        if (m == null) {
            return;
        }
        keys(m, section, known.keySet());
        known.forEach((key, kind) -> check(m, key, section, kind));
    }

    private void check(Map<String, Object> m, String key, String section, Kind kind) {
        if (!m.containsKey(key)) {
            return;
        }
        Object v = m.get(key);
        String at = section + "." + key;
        switch (kind) {
            case BOOL -> bool(v, at);
            case STRING -> {
                if (!(v instanceof String)) {
                    problems.add(at + ": expected a string, got " + describe(v));
                }
            }
            case PATH -> path(v, at);
            case OPTIONAL_PATH -> {
                if (!"".equals(v)) {
                    path(v, at);
                }
            }
            case URL -> {
                if (!(v instanceof String s) || !(s.startsWith("http://") || s.startsWith("https://"))) {
                    problems.add(at + ": expected an http:// or https:// URL, got " + describe(v));
                }
            }
            case HOST_PORT -> hostPort(v, at, problems);
            case DURATION -> duration(m, key, section, Duration.ZERO);
            case LOG_LEVEL -> oneOf(v, at, List.of("debug", "info", "warn", "error"));
                    }
    }

    private void oneOf(Object v, String at, List<String> allowed) {
        if (!allowed.contains(v)) {
            problems.add(at + ": expected one of " + String.join(", ", allowed) + ", got " + describe(v));
        }
    }

    /** Prometheus label names to string values, as in Prometheus's {@code global.external_labels}. */
    private void labels(Object node, String at) {
        Map<String, Object> m = map(node, at);
        if (m == null) {
            return;
        }
        m.forEach((name, value) -> {
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                problems.add(at + "." + name + ": not a label name; use letters, digits and _, not starting with a "
                        + "digit or __");
            }
            if (!(value instanceof String)) {
                problems.add(at + "." + name + ": expected a string value (quote numbers and booleans), got "
                        + describe(value));
            }
        });
    }

    // ---- scalar readers; each records a problem and returns a harmless value on error ----

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object node, String at) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof Map)) {
            problems.add((at.isEmpty() ? "top level" : at) + ": expected a mapping of keys to values, got "
                    + describe(node));
            return null;
        }
        for (Object k : ((Map<Object, Object>) node).keySet()) {
            if (!(k instanceof String)) {
                problems.add((at.isEmpty() ? "" : at + ".") + k + ": keys must be strings");
                return null;
            }
        }
        return (Map<String, Object>) node;
    }

    private void keys(Map<String, Object> m, String at, Set<String> known) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                problems.add((at.isEmpty() ? "" : at + ".") + k + ": unknown key; known keys here are "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    private Path path(Object v, String at) {
        if (!(v instanceof String s) || s.isBlank()) {
            problems.add(at + ": expected a file system path, got " + describe(v));
            return null;
        }
        return Path.of(s);
    }

    private Path requiredPath(Map<String, Object> m, String key, String at) {
        if (!m.containsKey(key)) {
            problems.add(at + "." + key + ": required when " + at + " is set");
            return null;
        }
        return path(m.get(key), at + "." + key);
    }

    private URI url(Object v, String at) {
        if (!(v instanceof String s) || s.isBlank()) {
            problems.add(at + ": expected a URL, got " + describe(v));
            return null;
        }
        try {
            return parseUrl(s);
        } catch (IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * An http(s) URL; a URL without a path gets Prometheus's remote-write path {@code /api/v1/write}.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static URI parseUrl(String s) {
        URI u;
        try {
            u = new URI(s.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("expected an http:// or https:// URL, got " + s);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("URL " + s + " has no host");
        }
        if (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/")) {
            u = u.resolve("/api/v1/write");
        }
        return u;
    }

    private boolean bool(Object v, String at) {
        if (v instanceof Boolean b) {
            return b;
        }
        problems.add(at + ": expected true or false, got " + describe(v));
        return false;
    }

    private int positiveInt(Map<String, Object> m, String key, String at, int dflt) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Object v = m.get(key);
        if (v instanceof Integer i && i > 0) {
            return i;
        }
        problems.add(at + "." + key + ": expected a positive integer, got " + describe(v));
        return -1;
    }

    private Duration duration(Map<String, Object> m, String key, String at, Duration dflt) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Object v = m.get(key);
        Duration d = v instanceof String s ? parseDuration(s) : null;
        if (d == null || d.isZero()) {
            problems.add(at + "." + key + ": expected a positive duration like 30ms, 5s, 1m, 1h30m or 1d, got "
                    + describe(v));
            return dflt;
        }
        return d;
    }

    /** Prometheus's duration syntax restricted to ms, s, m, h, d: {@code 1m30s}; null if it is not one. */
    public static Duration parseDuration(String s) {
        if (!DURATION.matcher(s).matches()) {
            return null;
        }
        Duration d = Duration.ZERO;
        Matcher p = DURATION_PART.matcher(s);
        while (p.find()) {
            long n = Long.parseLong(p.group(1));
            d = d.plus(switch (p.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        return d;
    }

    private long bytes(Object v, String at) {
        if (v instanceof Integer || v instanceof Long) {
            long n = ((Number) v).longValue();
            if (n > 0) {
                return n;
            }
        } else if (v instanceof String s) {
            Matcher mm = BYTES.matcher(s.trim());
            if (mm.matches()) {
                long n = Long.parseLong(mm.group(1));
                String unit = mm.group(2) == null ? "B" : mm.group(2);
                long mul = switch (unit.toUpperCase(Locale.ROOT)) {
                    case "KB" -> 1000L;
                    case "KIB" -> 1L << 10;
                    case "MB" -> 1000_000L;
                    case "MIB" -> 1L << 20;
                    case "GB" -> 1000_000_000L;
                    case "GIB" -> 1L << 30;
                    case "TB" -> 1000_000_000_000L;
                    case "TIB" -> 1L << 40;
                    default -> 1L;
                };
                if (n > 0) {
                    return n * mul;
                }
            }
        }
        problems.add(at + ": expected a positive size in bytes like 1073741824, 512MiB or 2GiB, got " + describe(v));
        return -1;
    }

    /** {@code host:port}; a problem is added (naming {@code at}) and null returned when it is not one. */
    public static HostPort hostPort(Object v, String at, List<String> problems) {
        if (v instanceof String s) {
            int colon = s.lastIndexOf(':');
            if (colon > 0) {
                String host = s.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                try {
                    int port = Integer.parseInt(s.substring(colon + 1));
                    if (port >= 0 && port <= 65535 && !host.isEmpty()) {
                        return new HostPort(host, port);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
        }
        problems.add(at + ": expected HOST:PORT like 127.0.0.1:19291, got " + describe(v));
        return null;
    }

    /** A parsed {@code host:port}. */
    public record HostPort(String host, int port) {
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
        return "'" + v + "'";
    }
}
