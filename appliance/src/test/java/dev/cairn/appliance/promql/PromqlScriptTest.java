package dev.cairn.appliance.promql;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every eval of our scripts in src/test/resources/promql against our engine over the same data in
 * memory. Expected values in the scripts are confirmed by the real Prometheus in
 * {@link PrometheusAgreementTest}. Instant evals are also run as a range query around their time, whose
 * middle point must equal the instant answer (as Prometheus's own test runner checks).
 */
class PromqlScriptTest {
    @Test
    void scripts_exist_andHaveManyEvals() {
        int evals = 0;
        for (Path p : ScriptChecks.files()) {
            for (PromqlScript.Command c : ScriptChecks.read(p)) {
                if (c instanceof PromqlScript.Eval) {
                    evals++;
                }
            }
        }
        assertTrue(evals >= 100, "only " + evals + " eval cases");
    }

    /** Functions the parser knows that Prometheus 2.42 does not (the oracle cannot confirm them). */
    private static final java.util.Set<String> NEWER_THAN_242 = java.util.Set.of("histogram_avg",
            "histogram_stddev", "histogram_stdvar");

    @Test
    void scripts_callEveryFunctionAndAggregation() throws java.io.IOException {
        StringBuilder all = new StringBuilder();
        for (Path p : ScriptChecks.files()) {
            all.append(java.nio.file.Files.readString(p));
        }
        List<String> missing = new ArrayList<>();
        for (String f : dev.cairn.appliance.promql.parser.Functions.all().keySet()) {
            if (!NEWER_THAN_242.contains(f) && !all.toString().matches("(?s).*\\b" + f + "\\(.*")) {
                missing.add(f);
            }
        }
        for (dev.cairn.appliance.promql.parser.AggregateOp op : dev.cairn.appliance.promql.parser.AggregateOp.values()) {
            if (!all.toString().matches("(?s).*\\b" + op.text() + "\\b.*")) {
                missing.add(op.text());
            }
        }
        assertTrue(missing.isEmpty(), "not covered by any script: " + missing);
    }

    @TestFactory
    List<DynamicContainer> scripts_ourEngine_givesTheExpectedAnswers() {
        List<DynamicContainer> out = new ArrayList<>();
        for (Path p : ScriptChecks.files()) {
            List<DynamicTest> tests = new ArrayList<>();
            MemoryStorage storage = new MemoryStorage();
            Engine engine = new Engine();
            for (PromqlScript.Command c : ScriptChecks.read(p)) {
                if (c instanceof PromqlScript.Clear) {
                    tests.add(DynamicTest.dynamicTest("clear", storage::clear));
                } else if (c instanceof PromqlScript.Load l) {
                    tests.add(DynamicTest.dynamicTest("load line " + l.line(), () -> {
                        for (PromqlScript.SeriesDef d : l.series()) {
                            storage.add(d.labels(), d.ts(), d.vs());
                        }
                    }));
                } else if (c instanceof PromqlScript.Eval e) {
                    tests.add(DynamicTest.dynamicTest(e.name(), () -> check(engine, storage, e)));
                }
            }
            out.add(DynamicContainer.dynamicContainer(p.getFileName().toString(), tests));
        }
        return out;
    }

    static void check(Engine engine, MemoryStorage storage, PromqlScript.Eval e) {
        Value v = null;
        String err = null;
        try {
            v = engine.instantQuery(storage, e.expr(), e.timeMs()).value();
        } catch (PromqlException ex) {
            err = ex.getMessage();
        }
        assertNull(ScriptChecks.mismatch(e, v, err), e.name());
        // @ start() / @ end() legitimately depend on the range, so those are not cross-checked.
        boolean rangeDependent = e.expr().contains("start()") || e.expr().contains("end()");
        if (!rangeDependent && (v instanceof Vector || v instanceof Scalar)) {
            Matrix m = engine.rangeQuery(storage, e.expr(), e.timeMs() - 60_000, e.timeMs() + 60_000, 60_000)
                    .value() instanceof Matrix mm ? mm : null;
            List<Sample> mid = new ArrayList<>();
            for (Series s : m.series()) {
                for (int i = 0; i < s.size(); i++) {
                    if (s.ts()[i] == e.timeMs()) {
                        mid.add(new Sample(s.labels(), s.ts()[i], s.vs()[i]));
                    }
                }
            }
            if (v instanceof Scalar sc) {
                if (mid.size() != 1 || !ScriptChecks.almostEqual(sc.v(), mid.get(0).v())) {
                    fail(e.name() + ": range query middle point " + mid + " differs from instant scalar " + sc.v());
                }
            } else {
                PromqlScript.Eval asSet = new PromqlScript.Eval(e.expr(), e.timeMs(), false, false, null,
                        ((Vector) v).samples().stream().map(s -> new PromqlScript.Expected(s.labels(), s.v())).toList(),
                        null, e.file(), e.line());
                String mm = ScriptChecks.mismatch(asSet, new Vector(mid), null);
                assertNull(mm, e.name() + ": range query middle point differs from the instant answer");
            }
        }
    }
}
