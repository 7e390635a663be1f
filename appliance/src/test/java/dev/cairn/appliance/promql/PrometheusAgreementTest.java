package dev.cairn.appliance.promql;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof that our scripts' expected answers are Prometheus's: loads each script's data into a real
 * Prometheus 2.42 (remote write), runs every eval through its HTTP API and compares the answer with the
 * script — and with our engine. Restarts Prometheus whenever a script changes its data after an eval.
 *
 * <p>With {@code -Dcairn.promql.fill=true} the expected lines of the scripts are rewritten from
 * Prometheus's answers instead (a tool to write new cases; review the diff before committing).
 */
class PrometheusAgreementTest {
    static final long RANGE_STEP_MS = 47_000;

    /** Null when both matrices hold the same series, timestamps and (almost) values. */
    static String matrixMismatch(Matrix theirs, Matrix ours) {
        java.util.Map<dev.cairn.tsdb.labels.Labels, Series> byLabels = new java.util.HashMap<>();
        for (Series s : ours.series()) {
            byLabels.put(s.labels(), s);
        }
        if (theirs.series().size() != ours.series().size()) {
            return "prometheus has " + theirs.series().size() + " series, we have " + ours.series().size() + ": "
                    + theirs.series().stream().map(Series::labels).toList() + " vs "
                    + ours.series().stream().map(Series::labels).toList();
        }
        for (Series t : theirs.series()) {
            Series o = byLabels.get(t.labels());
            if (o == null) {
                return "we lack " + t.labels();
            }
            if (!Arrays.equals(t.ts(), o.ts())) {
                return t.labels() + ": timestamps " + Arrays.toString(t.ts()) + " vs ours " + Arrays.toString(o.ts());
            }
            for (int i = 0; i < t.size(); i++) {
                if (!ScriptChecks.almostEqual(t.vs()[i], o.vs()[i])) {
                    return t.labels() + " at " + t.ts()[i] + ": prometheus " + t.vs()[i] + ", ours " + o.vs()[i];
                }
            }
        }
        return null;
    }
    @Test
    void everyScriptEval_matchesRealPrometheus() throws Exception {
        boolean fill = Boolean.getBoolean("cairn.promql.fill");
        int evals = 0;
        int fileAgrees = 0;
        int engineAgrees = 0;
        int rangeEvals = 0;
        int rangeAgrees = 0;
        List<String> problems = new ArrayList<>();
        Engine engine = new Engine();
        for (Path p : ScriptChecks.files()) {
            List<PromqlScript.Command> cmds = ScriptChecks.read(p);
            MemoryStorage storage = new MemoryStorage();
            RealPrometheus prom = null;
            boolean dirty = true;
            List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(p).split("\n", -1)));
            List<int[]> edits = new ArrayList<>();
            List<List<String>> replacements = new ArrayList<>();
            try {
                for (PromqlScript.Command c : cmds) {
                    if (c instanceof PromqlScript.Clear) {
                        storage.clear();
                        dirty = true;
                    } else if (c instanceof PromqlScript.Load l) {
                        for (PromqlScript.SeriesDef d : l.series()) {
                            storage.add(d.labels(), d.ts(), d.vs());
                        }
                        dirty = true;
                    } else if (c instanceof PromqlScript.Eval e) {
                        if (dirty) {
                            if (prom != null) {
                                prom.close();
                            }
                            prom = RealPrometheus.start();
                            prom.write(storage.all());
                            dirty = false;
                        }
                        evals++;
                        String[] err = new String[1];
                        Value theirs = prom.query(e.expr(), e.timeMs(), err);
                        String m = ScriptChecks.mismatch(e, theirs, err[0]);
                        if (m == null) {
                            fileAgrees++;
                        } else if (!fill) {
                            problems.add(e.name() + ": prometheus disagrees with the script: " + m);
                        }
                        if (fill) {
                            int[] span = span(lines, e.line());
                            edits.add(span);
                            replacements.add(render(lines.get(e.line() - 1), e, theirs, err[0]));
                        }
                        Value ours = null;
                        String ourErr = null;
                        try {
                            ours = engine.instantQuery(storage, e.expr(), e.timeMs()).value();
                        } catch (PromqlException ex) {
                            ourErr = ex.getMessage();
                        }
                        PromqlScript.Eval asTheirs = asExpectation(e, theirs, err[0]);
                        String m2 = ScriptChecks.mismatch(asTheirs, ours, ourErr);
                        if (m2 == null) {
                            engineAgrees++;
                        } else {
                            problems.add(e.name() + ": our engine disagrees with prometheus: " + m2);
                        }
                        if (err[0] == null && !(theirs instanceof Matrix)) {
                            // The same expression as a range query around the eval time, with a step
                            // that does not divide the data's interval.
                            long rs = Math.max(0, e.timeMs() - 600_000);
                            long re = e.timeMs() + 600_000;
                            String[] rerr = new String[1];
                            Value theirRange = prom.queryRange(e.expr(), rs, re, RANGE_STEP_MS, rerr);
                            String m3;
                            try {
                                Value ourRange = engine.rangeQuery(storage, e.expr(), rs, re, RANGE_STEP_MS).value();
                                m3 = rerr[0] != null ? "prometheus failed: " + rerr[0]
                                        : matrixMismatch((Matrix) theirRange, (Matrix) ourRange);
                            } catch (PromqlException ex) {
                                m3 = rerr[0] != null && rerr[0].equals(ex.getMessage()) ? null
                                        : "we failed: " + ex.getMessage() + " / prometheus: " + rerr[0];
                            }
                            rangeEvals++;
                            if (m3 == null) {
                                rangeAgrees++;
                            } else {
                                problems.add(e.name() + ": range query [" + rs + ", " + re + "] differs: " + m3);
                            }
                        }
                    }
                }
            } finally {
                if (prom != null) {
                    prom.close();
                }
            }
            if (fill && !edits.isEmpty()) {
                for (int i = edits.size() - 1; i >= 0; i--) {
                    int[] s = edits.get(i);
                    for (int k = s[1]; k >= s[0]; k--) {
                        lines.remove(k);
                    }
                    lines.addAll(s[0], replacements.get(i));
                }
                Files.writeString(p, String.join("\n", lines));
            }
        }
        System.out.printf("promql scripts: %d evals, %d as the scripts expect on Prometheus 2.42, "
                + "%d where our engine answers as Prometheus%n", evals, fileAgrees, engineAgrees);
        System.out.printf("promql scripts as range queries (step %d ms): %d, %d where our engine answers as "
                + "Prometheus%n", RANGE_STEP_MS, rangeEvals, rangeAgrees);
        problems.forEach(System.out::println);
        assertTrue(evals > 0, "no eval cases found in " + ScriptChecks.DIR);
        assertEquals(List.of(), problems);
    }

    /** Lines [eval line, last expected line] (0-based) of an eval starting at 1-based {@code line}. */
    private static int[] span(List<String> lines, int line) {
        int start = line - 1;
        int end = start;
        while (end + 1 < lines.size() && !lines.get(end + 1).trim().isEmpty()
                && !lines.get(end + 1).trim().startsWith("#")) {
            end++;
        }
        return new int[] {start, end};
    }

    private static List<String> render(String evalLine, PromqlScript.Eval e, Value v, String err) {
        List<String> out = new ArrayList<>();
        String indent = evalLine.substring(0, evalLine.length() - evalLine.stripLeading().length());
        String rest = evalLine.stripLeading().replaceFirst("^eval(_fail|_ordered)?", "");
        if (err != null) {
            out.add(indent + "eval_fail" + rest);
            out.add(indent + "  expected_fail_message " + err);
            return out;
        }
        out.add(indent + (e.ordered() ? "eval_ordered" : "eval") + rest);
        if (v instanceof Scalar s) {
            out.add(indent + "  " + GoMath.formatFloat(s.v()));
        } else if (v instanceof Vector vec) {
            for (Sample s : vec.samples()) {
                out.add(indent + "  " + s.labels() + " " + GoMath.formatFloat(s.v()));
            }
        }
        return out;
    }

    private static PromqlScript.Eval asExpectation(PromqlScript.Eval e, Value v, String err) {
        if (err != null) {
            return new PromqlScript.Eval(e.expr(), e.timeMs(), true, false, null, List.of(), err, e.file(), e.line());
        }
        if (v instanceof Scalar s) {
            return new PromqlScript.Eval(e.expr(), e.timeMs(), false, false, s.v(), List.of(), null, e.file(), e.line());
        }
        List<PromqlScript.Expected> exp = new ArrayList<>();
        if (v instanceof Vector vec) {
            for (Sample s : vec.samples()) {
                exp.add(new PromqlScript.Expected(s.labels(), s.v()));
            }
        }
        return new PromqlScript.Eval(e.expr(), e.timeMs(), false, e.ordered(), null, exp, null, e.file(), e.line());
    }
}
