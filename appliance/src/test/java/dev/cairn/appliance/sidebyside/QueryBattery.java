package dev.cairn.appliance.sidebyside;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * PromQL expressions generated over the {@link Dataset} metric families: every function over the
 * value types it takes, aggregations with by/without, binary operators with matching modifiers,
 * subqueries, offset and {@code @}, regex selectors, and expressions that must fail (parse and
 * execution errors). The cross product of building blocks keeps the list systematic rather than
 * hand-picked; duplicates are dropped, order is stable.
 */
final class QueryBattery {
    private QueryBattery() {
    }

    static final String[] COUNTERS = {
            "http_requests_total",
            "http_requests_total{job=\"job1\"}",
            "http_requests_total{code=~\"5..\"}",
            "http_requests_total{method!=\"GET\",instance=~\"host[12]:.*\"}",
            "{__name__=~\"http_requests_.*\",code!~\"2..\"}",
            "http_request_duration_seconds_count",
    };
    static final String[] GAUGES = {
            "node_temperature_celsius",
            "node_temperature_celsius{instance=~\"host(0|2):9100\"}",
            "process_resident_memory_bytes",
            "process_resident_memory_bytes{job!~\"job0\"}",
    };
    static final String[] WINDOWS = {"1m", "5m", "30m"};
    static final String[] COUNTER_FNS = {"rate", "irate", "increase", "resets", "changes"};
    static final String[] GAUGE_FNS = {"delta", "idelta", "deriv", "avg_over_time", "min_over_time", "max_over_time",
            "sum_over_time", "count_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time",
            "present_over_time", "changes", "resets"};
    static final String[] INSTANT_FNS = {"abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "round",
            "sgn", "timestamp", "sort", "sort_desc", "minute", "hour", "day_of_week", "day_of_month", "days_in_month",
            "month", "year", "absent", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
            "acosh", "atanh", "deg", "rad"};
    static final String[] AGGS = {"sum", "avg", "min", "max", "count", "stddev", "stdvar", "group"};
    static final String[] GROUPINGS = {"", " by (job)", " without (instance)", " by (job, code)", " without ()"};

    /** The battery; {@code atSeconds} is a time inside the data for {@code @ <timestamp>} modifiers. */
    static List<String> all(String atSeconds) {
        Set<String> q = new LinkedHashSet<>();
        for (String c : COUNTERS) {
            q.add(c);
            for (String f : COUNTER_FNS) {
                for (String w : WINDOWS) {
                    q.add(f + "(" + c + "[" + w + "])");
                }
            }
        }
        for (String g : GAUGES) {
            q.add(g);
            for (String f : GAUGE_FNS) {
                q.add(f + "(" + g + "[10m])");
            }
            q.add("quantile_over_time(0.9, " + g + "[15m])");
            q.add("holt_winters(" + g + "[10m], 0.5, 0.3)");
            q.add("predict_linear(" + g + "[10m], 600)");
            q.add("absent_over_time(" + g + "[5m])");
            for (String f : INSTANT_FNS) {
                q.add(f + "(" + g + ")");
            }
            q.add("round(" + g + ", 0.5)");
            q.add("clamp(" + g + ", 45, 55)");
            q.add("clamp_min(" + g + ", 50)");
            q.add("clamp_max(" + g + ", 50)");
        }
        String rate = "rate(http_requests_total[5m])";
        for (String a : AGGS) {
            for (String by : GROUPINGS) {
                q.add(a + by + " (" + rate + ")");
            }
            q.add(a + " by (job) (node_temperature_celsius)");
        }
        for (String by : new String[]{"", " by (job)", " without (method)"}) {
            q.add("topk" + by + " (2, " + rate + ")");
            q.add("bottomk" + by + " (2, node_temperature_celsius)");
            q.add("quantile" + by + " (0.75, " + rate + ")");
            q.add("count_values" + by + " (\"code\", http_requests_total{job=\"job0\"} > 0 * 0 + 1)");
        }
        // histograms
        for (String phi : new String[]{"0.5", "0.9", "0.99", "0", "1", "-1", "2"}) {
            q.add("histogram_quantile(" + phi + ", rate(http_request_duration_seconds_bucket[5m]))");
            q.add("histogram_quantile(" + phi
                    + ", sum by (le, job) (rate(http_request_duration_seconds_bucket[10m])))");
        }
        q.add("histogram_quantile(0.9, sum by (le) (increase(http_request_duration_seconds_bucket{le!=\"+Inf\"}[5m])))");
        q.add("rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])");
        // binary operators and vector matching
        for (String op : new String[]{"+", "-", "*", "/", "%", "^", "atan2"}) {
            q.add("node_temperature_celsius " + op + " on (job, instance) process_resident_memory_bytes");
            q.add("node_temperature_celsius " + op + " 3");
            q.add("2 " + op + " node_temperature_celsius");
        }
        for (String op : new String[]{"==", "!=", ">", "<", ">=", "<="}) {
            q.add("node_temperature_celsius " + op + " 50");
            q.add("node_temperature_celsius " + op + " bool 50");
            q.add("sum by (job) (" + rate + ") " + op + " ignoring (code) group_left sum by (job, code) (" + rate
                    + ")");
        }
        q.add(rate + " / ignoring (code) group_left sum without (code) (" + rate + ")");
        q.add("sum without (code) (" + rate + ") / ignoring (method) group_right sum without (method, code) ("
                + rate + ")");
        q.add(rate + " * on (job, instance) group_left (le) http_request_duration_seconds_bucket{le=\"1\"}");
        q.add("http_requests_total and on (instance) node_temperature_celsius > 55");
        q.add("http_requests_total{code=\"200\"} or http_requests_total{method=\"POST\"}");
        q.add("node_temperature_celsius unless on (instance) process_resident_memory_bytes");
        q.add("process_resident_memory_bytes or vector(0)");
        q.add("-node_temperature_celsius");
        q.add("1 + 2 * 3 ^ 2 ^ 0.5 % 7");
        q.add("scalar(sum(node_temperature_celsius{job=\"job0\"})) * node_temperature_celsius");
        q.add("vector(time()) - timestamp(node_temperature_celsius)");
        // label functions
        q.add("label_replace(node_temperature_celsius, \"host\", \"$1\", \"instance\", \"(.*):.*\")");
        q.add("label_replace(node_temperature_celsius, \"job\", \"x\", \"nope\", \"\")");
        q.add("label_join(node_temperature_celsius, \"ji\", \"/\", \"job\", \"instance\")");
        // subqueries, offset, @
        for (String sub : new String[]{"[30m:1m]", "[1h:5m]", "[10m:]", "[20m:1m] offset 10m"}) {
            q.add("max_over_time(rate(http_requests_total{code=\"200\"}[5m])" + sub + ")");
            q.add("avg_over_time(sum by (job) (node_temperature_celsius)" + sub + ")");
            q.add("deriv(max(process_resident_memory_bytes)" + sub + ")");
        }
        q.add("min_over_time(max_over_time(node_temperature_celsius[5m])[30m:2m])");
        for (String off : new String[]{" offset 5m", " offset 1h", " offset -2m"}) {
            q.add("node_temperature_celsius" + off);
            q.add("rate(http_requests_total[5m]" + off + ")");
            q.add("sum(http_requests_total" + off + ")");
        }
        q.add("node_temperature_celsius @ " + atSeconds);
        q.add("sum by (job) (rate(http_requests_total[10m] @ " + atSeconds + "))");
        q.add("max_over_time(node_temperature_celsius[30m:1m] @ " + atSeconds + ")");
        q.add("node_temperature_celsius @ start()");
        q.add("node_temperature_celsius @ end()");
        q.add("rate(http_requests_total[5m] @ end())");
        q.add("sum(rate(http_requests_total[10m] @ start() offset 5m))");
        q.add("time()");
        q.add("vector(1)");
        q.add("scalar(vector(3))");
        q.add("pi()");
        q.add("\"a string\"");
        q.add("42");
        q.add("nonexistent_metric");
        q.add("absent(nonexistent_metric{job=\"x\"})");
        q.add("sum(nonexistent_metric)");
        // errors: parse, type and execution
        q.add("sum(");
        q.add("rate(node_temperature_celsius)");
        q.add("node_temperature_celsius[5m] + 1");
        q.add("unknown_function(node_temperature_celsius)");
        q.add("{job=\"job0\"}");
        q.add("{__name__=~\".*\"}");
        q.add("http_requests_total + on (job) http_requests_total");
        q.add("sum by (job) (http_requests_total) / on (job) group_left http_requests_total");
        q.add("histogram_quantile(0.9, http_request_duration_seconds_bucket[5m])");
        q.add("topk(\"x\", node_temperature_celsius)");
        q.add("label_replace(node_temperature_celsius, \"1bad\", \"\", \"job\", \"\")");
        q.add("node_temperature_celsius{instance=~\"(\"}");
        q.add("rate(http_requests_total[5m:1m] offset)");
        return new ArrayList<>(q);
    }
}
