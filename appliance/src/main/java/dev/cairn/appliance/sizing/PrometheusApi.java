package dev.cairn.appliance.sizing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The two things sizing reads from a running Prometheus: instant queries over {@code /api/v1/query}
 * and its own exposition at {@code /metrics}. Every failure becomes a {@link SizingException} whose
 * message says which URL, what went wrong and what to check.
 */
public final class PrometheusApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String base;
    private final HttpClient http;

    /** @param url the Prometheus base URL, e.g. {@code http://127.0.0.1:9090} (a trailing slash is fine) */
    public PrometheusApi(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SizingException("\"" + url + "\" is not a URL; give the Prometheus base URL, e.g. http://127.0.0.1:9090");
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw new SizingException("\"" + url + "\" is not an http(s) URL; give the Prometheus base URL, e.g. http://127.0.0.1:9090");
        }
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    public String base() {
        return base;
    }

    /**
     * Runs an instant query and returns the sum of the values of the resulting vector, or empty when
     * the vector is empty (the metric is absent or the range held too few samples).
     */
    public OptionalDouble querySum(String promql) {
        String path = "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpResponse<String> resp = get(path);
        JsonNode root;
        try {
            root = JSON.readTree(resp.body());
        } catch (IOException e) {
            throw notPrometheus(path, "its answer is not JSON (HTTP " + resp.statusCode() + ")");
        }
        if (root == null || !root.isObject() || !root.path("status").isTextual()) {
            throw notPrometheus(path, "its JSON answer has no \"status\" field (HTTP " + resp.statusCode() + ")");
        }
        if (!"success".equals(root.path("status").asText())) {
            throw new SizingException(base + " refused the query " + promql + ": " + root.path("error").asText("no error given"));
        }
        JsonNode data = root.path("data");
        if (!"vector".equals(data.path("resultType").asText()) || !data.path("result").isArray()) {
            throw notPrometheus(path, "its answer to an instant query is not a vector");
        }
        if (data.path("result").isEmpty()) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        for (JsonNode sample : data.path("result")) {
            JsonNode value = sample.path("value");
            if (!value.isArray() || value.size() != 2) {
                throw notPrometheus(path, "a vector element has no [time, value] pair");
            }
            try {
                sum += Double.parseDouble(value.get(1).asText());
            } catch (NumberFormatException e) {
                throw notPrometheus(path, "a sample value is not a number");
            }
        }
        return OptionalDouble.of(sum);
    }

    /**
     * Reads Prometheus's own {@code /metrics} and sums every series of the metric {@code name} (all
     * label sets); empty when the exposition has no such metric.
     */
    public OptionalDouble scrapeSum(String name) {
        HttpResponse<String> resp = get("/metrics");
        if (resp.statusCode() != 200) {
            throw notPrometheus("/metrics", "it answered HTTP " + resp.statusCode());
        }
        boolean found = false;
        double sum = 0;
        for (String line : resp.body().split("\n")) {
            if (!line.startsWith(name) || line.length() == name.length()) {
                continue;
            }
            char next = line.charAt(name.length());
            if (next != ' ' && next != '{') {
                continue; // a longer metric name with this prefix
            }
            // "name{labels} value [timestamp]" or "name value [timestamp]"
            String rest = next == '{' ? line.substring(line.lastIndexOf('}') + 1) : line.substring(name.length());
            String[] fields = rest.trim().split(" +");
            try {
                sum += Double.parseDouble(fields[0]);
                found = true;
            } catch (NumberFormatException e) {
                throw notPrometheus("/metrics", "the line \"" + line + "\" has no numeric value");
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    private HttpResponse<String> get(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET().build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new SizingException("cannot connect to " + base + " (" + describe(e)
                    + "); check that Prometheus runs there and the address and port are right", e);
        } catch (HttpTimeoutException e) {
            throw new SizingException(base + path + " did not answer within " + TIMEOUT.toSeconds()
                    + " s; check that this is Prometheus and that it is not overloaded", e);
        } catch (IOException e) {
            throw new SizingException("cannot read " + base + path + " (" + describe(e)
                    + "); check that this is a Prometheus HTTP address", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SizingException("interrupted while reading " + base + path, e);
        }
    }

    private SizingException notPrometheus(String path, String why) {
        return new SizingException(base + " does not look like Prometheus: " + base + path.replaceAll("\\?.*", "")
                + " answered, but " + why + "; give the address of a Prometheus server");
    }

    private static String describe(IOException e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : e.getClass().getSimpleName();
    }
}
