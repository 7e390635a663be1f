package dev.cairn.agent.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The few read-only status endpoints of the local Prometheus's HTTP API the sidecar needs
 * ({@code /api/v1/status/config}, {@code /flags}, {@code /tsdb}). Each call is one GET; nothing is
 * cached here. Thread-safe.
 */
public final class PrometheusApi {
    private final URI base;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /** {@code base} is the Prometheus's root URL, e.g. {@code http://127.0.0.1:9090}. */
    public PrometheusApi(URI base, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public URI base() {
        return base;
    }

    /** The remote read endpoint of this Prometheus. */
    public URI remoteReadUrl() {
        return URI.create(base + "/api/v1/read");
    }

    /**
     * {@code global.external_labels} of the loaded configuration (empty when there are none). The
     * status API returns the configuration as YAML text inside the JSON answer.
     */
    public Map<String, String> externalLabels() throws IOException, InterruptedException {
        String yaml = data("/api/v1/status/config").path("yaml").asText(null);
        if (yaml == null) {
            throw new IOException(base + "/api/v1/status/config answered without data.yaml; is this a Prometheus?");
        }
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        } catch (RuntimeException e) {
            throw new IOException(base + "/api/v1/status/config: the configuration YAML does not parse: "
                    + e.getMessage(), e);
        }
        Map<String, String> out = new TreeMap<>();
        if (root instanceof Map<?, ?> top && top.get("global") instanceof Map<?, ?> global
                && global.get("external_labels") instanceof Map<?, ?> labels) {
            for (Map.Entry<?, ?> e : labels.entrySet()) {
                out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        return out;
    }

    /** The command-line flags Prometheus runs with, names without the leading dashes. */
    public Map<String, String> flags() throws IOException, InterruptedException {
        Map<String, String> out = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = data("/api/v1/status/flags").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /**
     * The head block's minimum sample time (ms) from {@code /api/v1/status/tsdb} {@code headStats}, or
     * {@link Long#MAX_VALUE} when the head holds no sample yet.
     */
    public long headMinTime() throws IOException, InterruptedException {
        JsonNode head = data("/api/v1/status/tsdb").path("headStats");
        if (!head.has("minTime") || head.path("numSeries").asLong(0) == 0) {
            return Long.MAX_VALUE;
        }
        return head.path("minTime").asLong(Long.MAX_VALUE);
    }

    private JsonNode data(String path) throws IOException, InterruptedException {
        URI uri = URI.create(base + path);
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach Prometheus at " + uri + ": " + e
                    + "; check sidecar.prometheus_url and that Prometheus runs", e);
        }
        JsonNode root;
        try {
            root = json.readTree(r.body());
        } catch (IOException e) {
            throw new IOException(uri + " answered " + r.statusCode() + " with something that is not JSON: "
                    + abbreviate(r.body()), e);
        }
        if (r.statusCode() != 200 || !"success".equals(root.path("status").asText())) {
            throw new IOException(uri + " answered " + r.statusCode() + ": " + abbreviate(r.body()));
        }
        return root.path("data");
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
