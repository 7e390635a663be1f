package dev.cairn.appliance.promql;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential test against the real Prometheus 2.42: random, type-correct queries (selectors with
 * offset/@, range functions over selectors and subqueries, aggregations, operators with matching and
 * bool, instant functions) over one data set with counter resets, gaps, stale markers, NaN and Inf;
 * each is run as an instant and a range query on both engines and the answers (or error texts) must
 * agree. Seeded and bounded, so a failure names a query that can be replayed.
 */
class RandomQueryAgreementTest {
    /** Fixed by default; {@code -Dcairn.promql.seed=N -Dcairn.promql.queries=M} explores further. */
    private static final long SEED = Long.getLong("cairn.promql.seed", 20261125L);
    private static final int QUERIES = Integer.getInteger("cairn.promql.queries", 300);

    private static final String DATA = """
            load 30s
              c{job="a", inst="1"} 0+5x30 3+5x30 stale _x10 100+7x40
              c{job="a", inst="2"} 10+1x120
              c{job="b", inst="1"} 0 5 5 9 2 8 14 _x5 20+3x60 1+1x40
              g{job="a", inst="1"} 5 3 8 NaN 2 7 -1 4 Inf 6 1 9 0 -3 2 8 _x10 4+0.5x80
              g{job="b", inst="2"} 1+2x30 stale 2-0.25x60
              g{job="b", inst="3"} -5+1x140
              h_bucket{job="a", le="0.5"} 0+1x140
              h_bucket{job="a", le="1"} 0+3x140
              h_bucket{job="a", le="+Inf"} 0+4x140
            """;

    private final Random rnd = new Random(SEED);

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    private String selector() {
        String s = pick(List.of("c", "g", "c{job=\"a\"}", "g{inst=~\"1|2\"}", "{__name__=~\"c|g\", job=\"b\"}",
                "c{inst!=\"2\"}"));
        int m = rnd.nextInt(10);
        if (m == 0) {
            s += " offset " + pick(List.of("1m", "5m", "-2m"));
        } else if (m == 1) {
            s += " @ " + pick(List.of("300", "1200.5", "start()", "end()"));
        }
        return s;
    }

    private String range() {
        return pick(List.of("1m", "2m", "5m", "10m"));
    }

    private String rangeArg(int depth) {
        if (depth > 0 && rnd.nextInt(4) == 0) {
            return "(" + vector(depth - 1) + ")[" + range() + ":" + pick(List.of("", "30s", "1m", "45s")) + "]";
        }
        String sel = pick(List.of("c", "g", "c{job=\"b\"}", "g{job=\"a\"}"));
        String s = sel + "[" + range() + "]";
        if (rnd.nextInt(8) == 0) {
            s += " offset 1m";
        }
        return s;
    }

    private String scalar(int depth) {
        return switch (rnd.nextInt(depth > 0 ? 4 : 2)) {
            case 0 -> pick(List.of("2", "0.5", "-1", "0", "10"));
            case 1 -> "time() / 100";
            case 2 -> "scalar(" + vector(depth - 1) + ")";
            default -> "(" + scalar(depth - 1) + " " + pick(List.of("+", "*", "-", "/")) + " 3)";
        };
    }

    private String grouping() {
        return switch (rnd.nextInt(4)) {
            case 0 -> "";
            case 1 -> " by (job)";
            case 2 -> " without (inst)";
            default -> " by (job, inst)";
        };
    }

    private String vector(int depth) {
        if (depth <= 0) {
            return selector();
        }
        int k = rnd.nextInt(9);
        switch (k) {
            case 0:
                return selector();
            case 1:
                return pick(List.of("rate", "increase", "delta", "irate", "idelta", "deriv", "changes", "resets",
                        "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
                        "last_over_time", "stddev_over_time", "stdvar_over_time", "present_over_time"))
                        + "(" + rangeArg(depth) + ")";
            case 2:
                return switch (rnd.nextInt(3)) {
                    case 0 -> "quantile_over_time(" + pick(List.of("0.5", "0.9", "0")) + ", " + rangeArg(depth) + ")";
                    case 1 -> "predict_linear(" + rangeArg(depth) + ", " + pick(List.of("60", "600")) + ")";
                    default -> "holt_winters(" + rangeArg(depth) + ", 0.5, " + pick(List.of("0.1", "0.7")) + ")";
                };
            case 3:
                return pick(List.of("sum", "avg", "min", "max", "count", "stddev", "stdvar", "group")) + grouping()
                        + " (" + vector(depth - 1) + ")";
            case 4:
                return switch (rnd.nextInt(4)) {
                    case 0 -> "topk" + grouping() + " (" + pick(List.of("1", "2", "5")) + ", " + vector(depth - 1) + ")";
                    case 1 -> "bottomk" + grouping() + " (2, " + vector(depth - 1) + ")";
                    case 2 -> "quantile" + grouping() + " (" + pick(List.of("0.25", "0.5", "1")) + ", "
                            + vector(depth - 1) + ")";
                    default -> "count_values" + grouping() + " (\"val\", round(" + vector(depth - 1) + "))";
                };
            case 5: {
                String op = pick(List.of("+", "-", "*", "/", "%", "^", ">", "<", "==", "!=", ">=", "and", "or", "unless"));
                boolean set = op.equals("and") || op.equals("or") || op.equals("unless");
                boolean cmp = !set && (op.startsWith(">") || op.startsWith("<") || op.startsWith("=") || op.startsWith("!"));
                String mod = cmp && rnd.nextBoolean() ? " bool" : "";
                String matching = pick(List.of("", "", " on(job)", " ignoring(inst)", " on(job, inst)", " on()"));
                return "(" + vector(depth - 1) + " " + op + mod + matching + " " + vector(depth - 1) + ")";
            }
            case 6: {
                String op = pick(List.of("+", "*", "-", ">", "<=", "/"));
                String mod = (op.equals(">") || op.equals("<=")) && rnd.nextBoolean() ? " bool" : "";
                return rnd.nextBoolean() ? "(" + vector(depth - 1) + " " + op + mod + " " + scalar(depth - 1) + ")"
                        : "(" + scalar(depth - 1) + " " + op + mod + " " + vector(depth - 1) + ")";
            }
            case 7:
                return switch (rnd.nextInt(8)) {
                    case 0 -> pick(List.of("abs", "ceil", "floor", "sgn", "sqrt", "exp", "ln", "log2", "timestamp"))
                            + "(" + vector(depth - 1) + ")";
                    case 1 -> "clamp(" + vector(depth - 1) + ", " + pick(List.of("0", "-2")) + ", " + pick(List.of("5", "50")) + ")";
                    case 2 -> "round(" + vector(depth - 1) + ", " + pick(List.of("1", "0.5", "3")) + ")";
                    case 3 -> "label_replace(" + vector(depth - 1) + ", \"x\", \"$1\", \"job\", \"(.)\")";
                    case 4 -> "absent(" + vector(depth - 1) + ")";
                    case 5 -> "histogram_quantile(" + pick(List.of("0.5", "0.9")) + ", sum by (le) (rate(h_bucket["
                            + range() + "])))";
                    case 6 -> "vector(" + scalar(depth - 1) + ")";
                    default -> "-" + vector(depth - 1);
                };
            default:
                return "absent_over_time(" + rangeArg(depth) + ")";
        }
    }

    /**
     * Equal error texts; for duplicate-series errors the two series may be named in either order, since
     * in a range query Prometheus's operand order comes from iterating a Go map.
     */
    static boolean sameError(String ours, String theirs) {
        if (ours.equals(theirs)) {
            return true;
        }
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("(.*: \\[)(\\{.*\\}), (\\{.*\\})(\\];.*)");
        java.util.regex.Matcher a = p.matcher(ours);
        java.util.regex.Matcher b = theirs == null ? null : p.matcher(theirs);
        return ours.startsWith("found duplicate series") && b != null && a.matches() && b.matches()
                && a.group(1).equals(b.group(1)) && a.group(4).equals(b.group(4))
                && a.group(2).equals(b.group(3)) && a.group(3).equals(b.group(2));
    }

    @Test
    void sameError_acceptsSwappedDuplicateSeries() {
        String x = "found duplicate series for the match group {} on the right hand-side of the operation: "
                + "[{a=\"1\"}, {a=\"2\"}];many-to-many matching not allowed: matching labels must be unique on one side";
        String y = x.replace("[{a=\"1\"}, {a=\"2\"}]", "[{a=\"2\"}, {a=\"1\"}]");
        assertTrue(sameError(x, y));
        assertTrue(!sameError(x, y.replace("right", "left")));
    }

    @Test
    void randomQueries_answerAsPrometheus() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        for (PromqlScript.Command c : PromqlScript.parse("random", DATA)) {
            for (PromqlScript.SeriesDef d : ((PromqlScript.Load) c).series()) {
                storage.add(d.labels(), d.ts(), d.vs());
            }
        }
        Engine engine = new Engine();
        List<String> diffs = new ArrayList<>();
        int errors = 0;
        int nonEmpty = 0;
        try (RealPrometheus prom = RealPrometheus.start()) {
            prom.write(storage.all());
            for (int i = 0; i < QUERIES; i++) {
                String q = vector(1 + rnd.nextInt(3));
                long t = 60_000L * (5 + rnd.nextInt(100)) + (rnd.nextBoolean() ? 0 : 17_000);
                String[] err = new String[1];
                Value theirs = prom.query(q, t, err);
                PromqlScript.Eval exp;
                if (err[0] != null) {
                    errors++;
                    exp = new PromqlScript.Eval(q, t, true, false, null, List.of(), err[0], "random", i);
                } else {
                    List<PromqlScript.Expected> e = new ArrayList<>();
                    for (Sample s : ((Vector) theirs).samples()) {
                        e.add(new PromqlScript.Expected(s.labels(), s.v()));
                    }
                    nonEmpty += e.isEmpty() ? 0 : 1;
                    exp = new PromqlScript.Eval(q, t, false, false, null, e, null, "random", i);
                }
                Value ours = null;
                String ourErr = null;
                try {
                    ours = engine.instantQuery(storage, q, t).value();
                } catch (PromqlException ex) {
                    ourErr = ex.getMessage();
                }
                String m = ScriptChecks.mismatch(exp, ours, ourErr);
                if (m != null) {
                    diffs.add("instant " + q + " @" + t + ": " + m);
                }
                long start = t - 600_000;
                long end = t + 300_000;
                long step = 37_000;
                String[] rerr = new String[1];
                Value theirRange = prom.queryRange(q, start, end, step, rerr);
                String mr;
                try {
                    Value ourRange = engine.rangeQuery(storage, q, start, end, step).value();
                    mr = rerr[0] != null ? "prometheus failed: " + rerr[0]
                            : PrometheusAgreementTest.matrixMismatch((Matrix) theirRange, (Matrix) ourRange);
                } catch (PromqlException ex) {
                    mr = sameError(ex.getMessage(), rerr[0]) ? null : "we failed: " + ex.getMessage() + " / prometheus: " + rerr[0];
                }
                if (mr != null) {
                    diffs.add("range " + q + " [" + start + "," + end + "]: " + mr);
                }
            }
        }
        System.out.printf("random queries: %d (seed %d), %d fail on Prometheus, %d non-empty, %d differ%n",
                QUERIES, SEED, errors, nonEmpty, diffs.size());
        diffs.forEach(System.out::println);
        assertTrue(nonEmpty > QUERIES / 4, "too few non-empty answers: " + nonEmpty);
        assertEquals(List.of(), diffs);
    }
}
