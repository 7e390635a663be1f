package dev.cairn.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Instant queries against anything that speaks the Prometheus HTTP API (the real Prometheus, the
 * appliance), with the answers in shapes a test can compare. Series are keyed by their labels in
 * name order, as {@code {a="1",b="2"}}, so two servers that print labels in different orders agree.
 */
public final class PromQuery {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromQuery() {
    }

    /** {@code data.result} of {@code query} at {@code t} (seconds); throws when the server did not answer success. */
    public static JsonNode result(URI base, String query, double t) throws IOException, InterruptedException {
        URI u = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + t);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(u).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode root = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(root.path("status").asText())) {
            throw new IOException(base + " answered " + query + " with " + r.statusCode() + ": " + r.body());
        }
        return root.path("data").path("result");
    }

    /** The series' labels in name order, minus {@code __name__}-less noise: {@code {a="1",b="2"}}. */
    public static String key(JsonNode metric, String... dropLabels) {
        Map<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        for (String d : dropLabels) {
            sorted.remove(d);
        }
        StringBuilder b = new StringBuilder("{");
        sorted.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
        return b.append('}').toString();
    }

    /**
     * Every raw sample of a range-vector query at {@code t} (seconds), as {@code series → (timestamp ms →
     * value text)}, values as the server prints them. A series that holds two samples with one timestamp
     * is an error: that is how a duplicate stored by the receiver would show.
     */
    public static Map<String, Map<Long, String>> rangeSamples(URI base, String query, double t, String... dropLabels)
            throws IOException, InterruptedException {
        Map<String, Map<Long, String>> out = new TreeMap<>();
        for (JsonNode series : result(base, query, t)) {
            Map<Long, String> samples = new TreeMap<>();
            String k = key(series.path("metric"), dropLabels);
            for (JsonNode v : series.path("values")) {
                long ts = Math.round(v.get(0).asDouble() * 1000);
                if (samples.put(ts, v.get(1).asText()) != null) {
                    throw new AssertionError(base + " holds two samples at " + ts + " in " + k + " (" + query + ")");
                }
            }
            if (out.put(k, samples) != null) {
                throw new AssertionError(base + " answered " + query + " with series " + k + " twice");
            }
        }
        return out;
    }

    /** An instant-vector query at {@code t} as {@code series → value text}. */
    public static Map<String, String> vector(URI base, String query, double t, String... dropLabels)
            throws IOException, InterruptedException {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode series : result(base, query, t)) {
            String k = key(series.path("metric"), dropLabels);
            if (out.put(k, series.path("value").get(1).asText()) != null) {
                throw new AssertionError(base + " answered " + query + " with series " + k + " twice");
            }
        }
        return out;
    }

    /** Total samples in a {@link #rangeSamples} answer. */
    public static long count(Map<String, Map<Long, String>> samples) {
        long n = 0;
        for (Map<Long, String> s : samples.values()) {
            n += s.size();
        }
        return n;
    }
}
