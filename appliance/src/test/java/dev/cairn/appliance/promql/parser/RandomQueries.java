package dev.cairn.appliance.promql.parser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random PromQL from a small grammar: selectors with matchers and modifiers, literals, every
 * binary operator with bool/on/ignoring/group_*, functions of every signature (sometimes with a
 * wrong argument count or type), aggregations, parentheses, subqueries and unary signs. Many are
 * valid and long enough to be split by the pretty printer; some fail type checks.
 */
final class RandomQueries {
    private static final String[] NAMES = {"foo", "bar:baz", "up", "", "http_requests_total", "sum", "by", "offset"};
    private static final String[] LABELS = {"a", "job", "__name__", "le"};
    private static final String[] OPS = {"=", "!=", "=~", "!~"};
    private static final String[] VALUES = {"\"x\"", "\"\"", "\".*\"", "\"a|b\"", "'y'", "`z`", "\".+\"", "\"é\""};
    private static final String[] DURATIONS = {"5m", "1h", "30s", "1h30m", "2d", "1w", "100ms", "1y", "90m"};
    private static final String[] BINARY = {"+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or",
        "unless", "atan2"};
    private static final String[] AGGREGATIONS = {"sum", "avg", "count", "min", "max", "group", "stddev", "stdvar",
        "topk", "bottomk", "count_values", "quantile"};
    private static final List<String> NEWER = List.of("histogram_avg", "histogram_stddev", "histogram_stdvar");

    private final Random rnd;
    private final List<Map.Entry<String, Function>> functions = new ArrayList<>();

    private RandomQueries(long seed) {
        this.rnd = new Random(seed);
        for (Map.Entry<String, Function> f : Functions.all().entrySet()) {
            if (!NEWER.contains(f.getKey())) {
                functions.add(f);
            }
        }
    }

    static List<String> generate(int count, long seed) {
        RandomQueries g = new RandomQueries(seed);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < count * 3 && out.size() < count; i++) {
            out.add(g.expr(2 + g.rnd.nextInt(4)));
        }
        return new ArrayList<>(out);
    }

    /** Only valid instant-vector expressions, nested deep enough that many exceed 100 bytes. */
    static List<String> generateValid(int count, long seed) {
        RandomQueries g = new RandomQueries(seed);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < count * 3 && out.size() < count; i++) {
            out.add(g.vector(3 + g.rnd.nextInt(3)));
        }
        return new ArrayList<>(out);
    }

    private String namedSelector() {
        String name = pick(new String[] {"http_requests_total", "node_cpu_seconds_total", "up", "job:rate5m:sum"});
        int n = rnd.nextInt(3);
        List<String> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ms.add(pick(new String[] {"job", "instance", "code", "mode"}) + pick(OPS) + pick(VALUES));
        }
        return ms.isEmpty() ? name : name + "{" + String.join(", ", ms) + "}";
    }

    private String vector(int depth) {
        if (depth <= 0) {
            return modifiers(namedSelector(), false);
        }
        String by = pick(new String[] {"", " by (job)", " without (instance, mode)", " by (job, code)"});
        return switch (rnd.nextInt(10)) {
            case 0 -> "rate(" + namedSelector() + "[" + pick(DURATIONS) + "])";
            case 1 -> pick(new String[] {"sum", "avg", "max", "count", "group"}) + by + " (" + vector(depth - 1) + ")";
            case 2 -> vector(depth - 1) + " " + pick(new String[] {"+", "-", "*", "/", "^", "atan2"})
                    + pick(new String[] {"", " on (job)", " ignoring (instance)", " on (job) group_left (code)"})
                    + " " + vector(depth - 1);
            case 3 -> vector(depth - 1) + " " + pick(new String[] {"==", "!=", ">", "<=", ">="})
                    + pick(new String[] {"", " bool"}) + " " + pick(new String[] {"1", "0.5", "1e6"});
            case 4 -> vector(depth - 1) + " " + pick(new String[] {"and", "or", "unless"})
                    + pick(new String[] {"", " on (job)", " ignoring (code)"}) + " " + vector(depth - 1);
            case 5 -> pick(new String[] {"topk", "bottomk"}) + "(5, " + vector(depth - 1) + ")" + by;
            case 6 -> "histogram_quantile(0.99, sum by (le) (rate(" + namedSelector() + "[5m])))";
            case 7 -> "max_over_time((" + vector(depth - 1) + ")[" + pick(DURATIONS) + ":"
                    + pick(new String[] {"", "1m"}) + "])";
            case 8 -> "label_replace(" + vector(depth - 1) + ", \"dst\", \"$1\", \"instance\", \"(.*):.*\")";
            default -> (chance(0.5) ? "-" : "") + "(" + vector(depth - 1) + ")";
        };
    }

    private String pick(String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    private String selector() {
        String name = pick(NAMES);
        int n = rnd.nextInt(4);
        List<String> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String label = pick(LABELS);
            if (label.equals("__name__") && !name.isEmpty() && chance(0.9)) {
                label = "job"; // mostly avoid "metric name must not be set twice"
            }
            ms.add(label + pick(OPS) + pick(VALUES));
        }
        if (!ms.isEmpty() || name.isEmpty() || chance(0.2)) {
            return name + "{" + String.join(",", ms) + (chance(0.2) ? "," : "") + "}";
        }
        return name;
    }

    private String modifiers(String s, boolean range) {
        if (range && chance(0.08)) {
            s += "[" + pick(DURATIONS) + "]";
        }
        if (chance(0.2)) {
            s += " offset " + (chance(0.3) ? "-" : "") + pick(DURATIONS);
        }
        if (chance(0.15)) {
            s += " @ " + pick(new String[] {"100", "1.5", "-3", "start()", "end()", "1e3"});
        }
        return s;
    }

    private String leaf() {
        double c = rnd.nextDouble();
        if (c < 0.65) {
            return modifiers(selector(), true);
        }
        if (c < 0.95) {
            return pick(new String[] {"1", "0.5", "-2", "1e6", "Inf", "NaN", "0x10", ".5", "123456789"});
        }
        return pick(new String[] {"\"s\"", "'t'", "`u`"});
    }

    private String argument(ValueType t, int depth) {
        if (chance(0.05)) {
            return expr(depth);
        }
        return switch (t) {
            case VECTOR -> expr(depth);
            case MATRIX -> chance(0.7) ? modifiers(selector(), false) + "[" + pick(DURATIONS) + "]"
                    : "(" + expr(depth) + ")[" + pick(DURATIONS) + ":" + (chance(0.5) ? "" : pick(DURATIONS)) + "]";
            case SCALAR -> pick(new String[] {"1", "0.5", "time()", "scalar(foo)"});
            case STRING -> pick(new String[] {"\"a\"", "\"$1\"", "\"(.*)\""});
            default -> "1";
        };
    }

    private String expr(int depth) {
        double r = rnd.nextDouble();
        if (depth <= 0 || r < 0.25) {
            return leaf();
        }
        if (r < 0.45) {
            String op = pick(BINARY);
            StringBuilder m = new StringBuilder();
            if (chance(op.length() <= 2 && "=!<>".indexOf(op.charAt(0)) >= 0 ? 0.6 : 0.05)) {
                m.append(" bool");
            }
            if (chance(0.3)) {
                m.append(chance(0.5) ? " on" : " ignoring").append('(')
                        .append(String.join(",", List.of("a", "b", "job").subList(0, rnd.nextInt(3)))).append(')');
                if (chance(0.3)) {
                    m.append(chance(0.5) ? " group_left" : " group_right").append(pick(new String[] {"", "(c)", "()"}));
                }
            }
            return expr(depth - 1) + " " + op + m + " " + expr(depth - 1);
        }
        if (r < 0.6) {
            Map.Entry<String, Function> f = functions.get(rnd.nextInt(functions.size()));
            List<ValueType> types = f.getValue().argTypes();
            int n = Math.max(0, types.size() + (chance(0.8) ? 0 : rnd.nextInt(3) - 1));
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                args.add(argument(types.isEmpty() ? ValueType.VECTOR : types.get(Math.min(i, types.size() - 1)),
                        depth - 1));
            }
            return f.getKey() + "(" + String.join(", ", args) + ")";
        }
        if (r < 0.75) {
            String op = pick(AGGREGATIONS);
            String grouping = pick(new String[] {"", " by (a)", " without (a, b)", " by ()"});
            String body = expr(depth - 1);
            if (op.equals("topk") || op.equals("bottomk") || op.equals("quantile")) {
                body = pick(new String[] {"5", "0.9", "\"x\""}) + ", " + body;
            } else if (op.equals("count_values")) {
                body = pick(new String[] {"\"v\"", "5"}) + ", " + body;
            }
            return chance(0.5) ? op + grouping + " (" + body + ")" : op + "(" + body + ")" + grouping;
        }
        if (r < 0.85) {
            return "(" + expr(depth - 1) + ")"
                    + (chance(0.5) ? "" : "[" + pick(DURATIONS) + ":" + (chance(0.5) ? "" : pick(DURATIONS)) + "]");
        }
        return (chance(0.5) ? "-" : "+") + expr(depth - 1);
    }
}
