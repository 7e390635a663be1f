package dev.cairn.appliance.promql;

import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample limit trips where Prometheus's does: the same queries under the same
 * {@code --query.max-samples} fail (with the same text) or succeed on both, for instant and range
 * queries. Prometheus counts samples in a particular way (inputs held while a node runs, step vectors
 * on top, outputs accumulating); thresholds near the edges show whether we count alike.
 */
class MaxSamplesAgreementTest {
    private static final String[] QUERIES = {"x", "rate(x[1m])", "sum(x)", "x + x", "sum(rate(x[5m]))",
        "max_over_time(x[2m:30s])", "count_over_time(x[5m])", "x[2m]", "topk(2, x) * 2", "-x > 3"};
    private static final int[] LIMITS = {5, 10, 11, 20, 21, 40, 80, 160};

    @Test
    void maxSamples_failsExactlyWherePrometheusFails() throws Exception {
        MemoryStorage s = new MemoryStorage();
        for (int k = 0; k < 5; k++) {
            long[] ts = new long[100];
            double[] vs = new double[100];
            for (int i = 0; i < 100; i++) {
                ts[i] = i * 15_000L;
                vs[i] = i * (k + 1);
            }
            s.add(Labels.of("__name__", "x", "i", Integer.toString(k)), ts, vs);
        }
        List<String> diffs = new ArrayList<>();
        int cases = 0;
        int failures = 0;
        for (int limit : LIMITS) {
            try (RealPrometheus p = RealPrometheus.start(List.of("--query.max-samples=" + limit))) {
                p.write(s.all());
                Engine e = new Engine(EngineOptions.defaults().withMaxSamples(limit));
                for (String q : QUERIES) {
                    String[] err = new String[1];
                    p.query(q, 600_000, err);
                    String ours = null;
                    try {
                        e.instantQuery(s, q, 600_000);
                    } catch (PromqlException ex) {
                        ours = ex.getMessage();
                    }
                    cases++;
                    failures += err[0] != null ? 1 : 0;
                    if (!java.util.Objects.equals(err[0], ours)) {
                        diffs.add("limit " + limit + " instant " + q + ": prometheus " + err[0] + ", ours " + ours);
                    }
                    if (q.endsWith("]")) {
                        continue;
                    }
                    String[] rerr = new String[1];
                    p.queryRange(q, 300_000, 900_000, 60_000, rerr);
                    String oursR = null;
                    try {
                        e.rangeQuery(s, q, 300_000, 900_000, 60_000);
                    } catch (PromqlException ex) {
                        oursR = ex.getMessage();
                    }
                    cases++;
                    failures += rerr[0] != null ? 1 : 0;
                    if (!java.util.Objects.equals(rerr[0], oursR)) {
                        diffs.add("limit " + limit + " range " + q + ": prometheus " + rerr[0] + ", ours " + oursR);
                    }
                }
            }
        }
        System.out.printf("max-samples: %d cases, %d over the limit on Prometheus, %d differ%n", cases, failures,
                diffs.size());
        assertTrue(failures > 10 && failures < cases - 10, "the limits should split the cases: " + failures);
        assertEquals(List.of(), diffs);
    }
}
