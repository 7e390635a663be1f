package dev.cairn.agent.config;

import dev.cairn.agent.config.SidecarConfig.BucketConfig;
import dev.cairn.agent.config.SidecarConfig.Upload;
import dev.cairn.tsdb.bucket.S3Config;
import dev.cairn.tsdb.bucket.S3Credentials;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parts of agent.yaml for sidecar mode and reporting ({@code mode}, {@code sidecar}, {@code report}),
 * read for {@link ConfigLoader} into the same problem list, with the same YAML-path messages.
 */
final class SidecarSections {
    private final List<String> problems;

    SidecarSections(List<String> problems) {
        this.problems = problems;
    }

    Mode mode(Object v, Mode dflt) {
        Mode m = v instanceof String s ? Mode.parse(s) : null;
        if (m == null) {
            problems.add("mode: expected one of " + String.join(", ", Mode.spellings()) + ", got " + describe(v));
            return dflt;
        }
        return m;
    }

    /**
     * The sidecar section; {@code legacyEnabled} receives {@code sidecar.enabled} (the key of the version
     * before {@code mode}, still accepted: true means relay+sidecar).
     */
    SidecarConfig sidecar(Object node, SidecarConfig d, Boolean[] legacyEnabled) {
        Map<String, Object> m = map(node, "sidecar");
        if (m == null) {
            return d;
        }
        keys(m, "sidecar", Set.of("enabled", "prometheus_url", "prometheus_data_dir", "grpc_listen",
                "advertise_address", "upload", "bucket", "ship_interval", "shipper_state"));
        if (m.containsKey("enabled")) {
            if (m.get("enabled") instanceof Boolean b) {
                legacyEnabled[0] = b;
            } else {
                problems.add("sidecar.enabled: expected true or false, got " + describe(m.get("enabled")));
            }
        }
        SidecarConfig c = d;
        URI url = m.containsKey("prometheus_url") ? url(m.get("prometheus_url"), "sidecar.prometheus_url") : null;
        Path dir = m.containsKey("prometheus_data_dir") ? path(m.get("prometheus_data_dir"), "sidecar.prometheus_data_dir")
                : null;
        c = c.withPrometheus(url != null ? url : d.prometheusUrl(), dir != null ? dir : d.prometheusDataDir());
        if (m.containsKey("grpc_listen")) {
            ConfigLoader.HostPort hp = ConfigLoader.hostPort(m.get("grpc_listen"), "sidecar.grpc_listen", problems);
            if (hp != null) {
                c = c.withGrpc(hp.host(), hp.port());
            }
        }
        if (m.containsKey("advertise_address")) {
            Object a = m.get("advertise_address");
            if ("".equals(a)) {
                c = c.withAdvertiseAddress("");
            } else {
                ConfigLoader.HostPort hp = ConfigLoader.hostPort(a, "sidecar.advertise_address", problems);
                if (hp != null && hp.port() == 0) {
                    problems.add("sidecar.advertise_address: needs the real port, got " + describe(a));
                } else if (hp != null) {
                    c = c.withAdvertiseAddress((String) a);
                }
            }
        }
        if (m.containsKey("ship_interval")) {
            Object v = m.get("ship_interval");
            Duration iv = v instanceof String s ? ConfigLoader.parseDuration(s) : null;
            if (iv == null || iv.isZero()) {
                problems.add("sidecar.ship_interval: expected a positive duration like 30s or 1m, got " + describe(v));
            } else {
                c = c.withShipInterval(iv);
            }
        }
        if (m.containsKey("shipper_state")) {
            Path p = path(m.get("shipper_state"), "sidecar.shipper_state");
            if (p != null) {
                c = c.withShipperState(p);
            }
        }
        Upload upload = d.upload();
        if (m.containsKey("upload")) {
            Object v = m.get("upload");
            upload = switch (String.valueOf(v)) {
                case "appliance" -> Upload.APPLIANCE;
                case "bucket" -> Upload.BUCKET;
                case "none" -> Upload.NONE;
                default -> {
                    problems.add("sidecar.upload: expected one of appliance, bucket, none, got " + describe(v));
                    yield d.upload();
                }
            };
        }
        BucketConfig bucket = m.get("bucket") == null ? null : bucket(m.get("bucket"));
        if (upload == Upload.BUCKET && bucket == null) {
            if (!m.containsKey("bucket")) {
                problems.add("sidecar.bucket: required when sidecar.upload is bucket (type: filesystem with "
                        + "filesystem.dir, or type: s3 with s3.endpoint, s3.bucket, ...); or use upload: appliance, "
                        + "which needs no bucket credentials on this host");
            }
            return c;
        }
        if (upload != Upload.BUCKET && bucket != null) {
            problems.add("sidecar.bucket: only used with sidecar.upload: bucket, but upload is "
                    + upload.name().toLowerCase(java.util.Locale.ROOT) + "; remove the bucket or set upload: bucket");
            return c;
        }
        return c.withUpload(upload, bucket);
    }

    /** The appliance's bucket keys: {@code type}, {@code filesystem.dir}, {@code s3.{endpoint,bucket,region,...}}. */
    private BucketConfig bucket(Object node) {
        Map<String, Object> m = map(node, "sidecar.bucket");
        if (m == null) {
            return null;
        }
        keys(m, "sidecar.bucket", Set.of("type", "filesystem", "s3"));
        Object type = m.getOrDefault("type", "filesystem");
        if ("filesystem".equals(type)) {
            Map<String, Object> f = map(m.get("filesystem"), "sidecar.bucket.filesystem");
            if (f == null) {
                problems.add("sidecar.bucket.filesystem.dir: required for a filesystem bucket");
                return null;
            }
            keys(f, "sidecar.bucket.filesystem", Set.of("dir"));
            Path dir = path(f.get("dir"), "sidecar.bucket.filesystem.dir");
            return dir == null ? null : new BucketConfig(dir, null);
        }
        if (!"s3".equals(type)) {
            problems.add("sidecar.bucket.type: expected filesystem or s3, got " + describe(type));
            return null;
        }
        Map<String, Object> s = map(m.get("s3"), "sidecar.bucket.s3");
        if (s == null) {
            problems.add("sidecar.bucket.s3: required for an s3 bucket (endpoint, bucket, region, ...)");
            return null;
        }
        String at = "sidecar.bucket.s3";
        keys(s, at, Set.of("endpoint", "bucket", "region", "access_key", "secret_key", "path_style"));
        String name = string(s, "bucket", at, "");
        String endpoint = string(s, "endpoint", at, "");
        String region = string(s, "region", at, "us-east-1");
        String access = string(s, "access_key", at, "");
        String secret = string(s, "secret_key", at, "");
        try {
            URI ep = endpoint.isEmpty() ? null : new URI(endpoint);
            S3Credentials creds = access.isEmpty() ? new S3Credentials.DefaultChain() : S3Credentials.of(access, secret);
            S3Config c = S3Config.defaults(name, ep, creds);
            c = new S3Config(c.bucket(), c.endpoint(), region, c.pathStyle(), c.credentials(), c.partSize(),
                    c.multipartThreshold(), c.maxAttempts(), c.connectTimeout(), c.socketTimeout(), c.attemptTimeout(),
                    c.callTimeout());
            if (s.containsKey("path_style")) {
                if (s.get("path_style") instanceof Boolean b) {
                    c = c.withPathStyle(b);
                } else {
                    problems.add(at + ".path_style: expected true or false, got " + describe(s.get("path_style")));
                }
            }
            return new BucketConfig(null, c);
        } catch (URISyntaxException | IllegalArgumentException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        }
    }

    ReportConfig report(Object node, ReportConfig d) {
        Map<String, Object> m = map(node, "report");
        if (m == null) {
            return d;
        }
        keys(m, "report", Set.of("interval", "agent_id"));
        Duration interval = d.interval();
        if (m.containsKey("interval")) {
            Object v = m.get("interval");
            Duration iv = v instanceof String s ? ConfigLoader.parseDuration(s) : null;
            if (iv == null || iv.isZero()) {
                problems.add("report.interval: expected a positive duration like 15s, got " + describe(v));
            } else {
                interval = iv;
            }
        }
        return new ReportConfig(interval, string(m, "agent_id", "report", d.agentId()));
    }

    private String string(Map<String, Object> m, String key, String at, String dflt) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        if (m.get(key) instanceof String s) {
            return s;
        }
        problems.add(at + "." + key + ": expected a string, got " + describe(m.get(key)));
        return dflt;
    }

    private URI url(Object v, String at) {
        if (v instanceof String s && (s.startsWith("http://") || s.startsWith("https://"))) {
            try {
                return new URI(s);
            } catch (URISyntaxException e) {
                problems.add(at + ": not a URL: " + e.getMessage());
                return null;
            }
        }
        problems.add(at + ": expected an http:// or https:// URL, got " + describe(v));
        return null;
    }

    private Path path(Object v, String at) {
        if (!(v instanceof String s) || s.isBlank()) {
            problems.add(at + ": expected a file system path, got " + describe(v));
            return null;
        }
        return Path.of(s);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object node, String at) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof Map<?, ?> m) || !m.keySet().stream().allMatch(k -> k instanceof String)) {
            problems.add(at + ": expected a mapping of keys to values, got " + describe(node));
            return null;
        }
        return (Map<String, Object>) node;
    }

    private void keys(Map<String, Object> m, String at, Set<String> known) {
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                problems.add(at + "." + k + ": unknown key; known keys here are " + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    private static String describe(Object v) {
        if (v == null) {
            return "nothing (null)";
        }
        return v instanceof Map ? "a mapping" : v instanceof List ? "a list" : "'" + v + "'";
    }
}
