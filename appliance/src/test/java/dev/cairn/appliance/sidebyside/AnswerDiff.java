package dev.cairn.appliance.sidebyside;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares two Prometheus HTTP API answers the way a user would notice a difference: HTTP status,
 * {@code status}, {@code errorType}, {@code warnings}, result type, and per label set (order ignored)
 * the same timestamps and values within 1e-6 relative (NaN equals NaN, infinities exactly).
 * The error message text is not compared: only its type is part of the contract here.
 */
final class AnswerDiff {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final double REL = 1e-6;

    private AnswerDiff() {
    }

    /** Null when the answers agree, else a one-line description of the first difference. */
    static String diff(Peers.Answer want, Peers.Answer got) throws IOException {
        if (want.status() != got.status()) {
            return "HTTP " + want.status() + " vs " + got.status() + " (cairn: " + cut(got.body()) + ", prometheus: "
                    + cut(want.body()) + ")";
        }
        JsonNode w = JSON.readTree(want.body());
        JsonNode g = JSON.readTree(got.body());
        if (!w.path("status").equals(g.path("status"))) {
            return "status " + w.path("status") + " vs " + g.path("status");
        }
        if (!w.path("errorType").equals(g.path("errorType"))) {
            return "errorType " + w.path("errorType") + " vs " + g.path("errorType") + " (prometheus: "
                    + w.path("error") + ", cairn: " + g.path("error") + ")";
        }
        if (!w.path("warnings").equals(g.path("warnings"))) {
            return "warnings " + w.path("warnings") + " vs " + g.path("warnings");
        }
        if (!"success".equals(w.path("status").asText())) {
            return null;
        }
        JsonNode wd = w.path("data");
        JsonNode gd = g.path("data");
        if (!wd.path("resultType").equals(gd.path("resultType"))) {
            return "resultType " + wd.path("resultType") + " vs " + gd.path("resultType");
        }
        String type = wd.path("resultType").asText();
        if (type.equals("scalar") || type.equals("string")) {
            return point(wd.path("result"), gd.path("result"), "");
        }
        Map<String, JsonNode> ws = byLabels(wd.path("result"));
        Map<String, JsonNode> gs = byLabels(gd.path("result"));
        if (ws.size() != wd.path("result").size() || gs.size() != gd.path("result").size()) {
            return "duplicate label sets in a result";
        }
        if (!ws.keySet().equals(gs.keySet())) {
            TreeMap<String, JsonNode> onlyW = new TreeMap<>(ws);
            onlyW.keySet().removeAll(gs.keySet());
            TreeMap<String, JsonNode> onlyG = new TreeMap<>(gs);
            onlyG.keySet().removeAll(ws.keySet());
            return ws.size() + " vs " + gs.size() + " series; only in prometheus: " + cut(onlyW.keySet().toString())
                    + "; only in cairn: " + cut(onlyG.keySet().toString());
        }
        for (Map.Entry<String, JsonNode> e : ws.entrySet()) {
            JsonNode a = e.getValue();
            JsonNode b = gs.get(e.getKey());
            String d;
            if (type.equals("vector")) {
                d = point(a.path("value"), b.path("value"), e.getKey());
            } else {
                JsonNode av = a.path("values");
                JsonNode bv = b.path("values");
                if (av.size() != bv.size()) {
                    return e.getKey() + ": " + av.size() + " vs " + bv.size() + " points: " + cut(av.toString())
                            + " vs " + cut(bv.toString());
                }
                d = null;
                for (int i = 0; i < av.size() && d == null; i++) {
                    d = point(av.get(i), bv.get(i), e.getKey());
                }
            }
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /**
     * A metadata answer (series, labels, label values) reduced to what must agree: status, and the
     * data with series lists as sets (their order is unspecified); name lists stay lists (sorted by API).
     */
    static String metadata(Peers.Answer a) throws IOException {
        JsonNode n = JSON.readTree(a.body());
        JsonNode data = n.path("data");
        Object d = data;
        if (data.isArray() && data.size() > 0 && data.get(0).isObject()) {
            java.util.TreeSet<String> set = new java.util.TreeSet<>();
            for (JsonNode s : data) {
                set.add(new TreeMap<>(JSON.convertValue(s, Map.class)).toString());
            }
            d = set;
        }
        return a.status() + " " + n.path("status").asText() + " " + n.path("errorType").asText() + " " + d;
    }

    private static Map<String, JsonNode> byLabels(JsonNode result) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode s : result) {
            m.put(new TreeMap<>(JSON.convertValue(s.path("metric"), Map.class)).toString(), s);
        }
        return m;
    }

    private static String point(JsonNode a, JsonNode b, String labels) {
        if (a.size() != 2 || b.size() != 2) {
            return labels + ": malformed point " + a + " vs " + b;
        }
        if (a.get(0).asDouble() != b.get(0).asDouble()) {
            return labels + ": timestamp " + a.get(0) + " vs " + b.get(0);
        }
        String x = a.get(1).asText();
        String y = b.get(1).asText();
        if (x.equals(y)) {
            return null;
        }
        double u = value(x);
        double v = value(y);
        if (Double.isNaN(u) && Double.isNaN(v)) {
            return null;
        }
        if (Double.isNaN(u) || Double.isNaN(v) || Double.isInfinite(u) || Double.isInfinite(v)) {
            return labels + " @" + a.get(0) + ": " + x + " vs " + y;
        }
        if (Math.abs(u - v) <= REL * Math.max(Math.abs(u), Math.abs(v)) || Math.abs(u - v) < 1e-300) {
            return null;
        }
        return labels + " @" + a.get(0) + ": " + x + " vs " + y;
    }

    private static double value(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static String cut(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
