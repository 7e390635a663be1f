package dev.cairn.appliance.promql;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Range-vector results of instant queries (which the script format cannot express): raw windows with
 * stale markers dropped, offsets, @, and subquery points at their aligned steps — compared sample by
 * sample with the real Prometheus on the same data.
 */
class MatrixAgreementTest {
    private static final String DATA = """
            load 20s
              m{k="a"} 0+3x100
              m{k="b"} 1 2 stale 4 _ _ 7 8 NaN 10 Inf 12 stale _x10 20 21
              n{k="a"} 5+0.5x60
            """;
    private static final String[] QUERIES = {"m[1m]", "m[2m]", "m[1m] offset 30s", "m[1m] @ 100", "m[90s] @ 200 offset 20s",
        "m[5m:1m]", "m[5m:7s]", "m[2m:]", "rate(m[1m])[3m:30s]", "m[3m:45s] offset 1m", "m[3m:45s] @ 150",
        "(m + n)[2m:20s]", "sum(m)[4m:1m]", "n[10m]", "{__name__=~\"m|n\"}[40s]"};
    private static final long[] TIMES = {0, 65_000, 200_000, 400_000, 1_000_000};

    @Test
    void rangeVectorResults_matchPrometheusSampleBySample() throws Exception {
        MemoryStorage storage = new MemoryStorage();
        for (PromqlScript.Command c : PromqlScript.parse("matrix", DATA)) {
            for (PromqlScript.SeriesDef d : ((PromqlScript.Load) c).series()) {
                storage.add(d.labels(), d.ts(), d.vs());
            }
        }
        Engine engine = new Engine();
        List<String> diffs = new ArrayList<>();
        int cases = 0;
        int samples = 0;
        try (RealPrometheus prom = RealPrometheus.start()) {
            prom.write(storage.all());
            for (String q : QUERIES) {
                for (long t : TIMES) {
                    String[] err = new String[1];
                    Value theirs = prom.query(q, t, err);
                    if (err[0] != null) {
                        diffs.add(q + " @" + t + ": prometheus failed: " + err[0]);
                        continue;
                    }
                    Value ours = engine.instantQuery(storage, q, t).value();
                    Matrix tm = assertInstanceOf(Matrix.class, theirs, q);
                    String m = PrometheusAgreementTest.matrixMismatch(tm, assertInstanceOf(Matrix.class, ours, q));
                    cases++;
                    for (Series s : tm.series()) {
                        samples += s.size();
                    }
                    if (m != null) {
                        diffs.add(q + " @" + t + ": " + m);
                    }
                }
            }
        }
        System.out.printf("range-vector results: %d cases, %d samples compared, %d differ%n", cases, samples, diffs.size());
        assertTrue(samples > 200, "too few samples compared: " + samples);
        assertEquals(List.of(), diffs);
    }
}
