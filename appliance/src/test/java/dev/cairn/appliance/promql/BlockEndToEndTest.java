package dev.cairn.appliance.promql;

import dev.cairn.tsdb.block.BlockDir;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end over real blocks: promtool backfills six hours of OpenMetrics into 2h blocks; Prometheus
 * 2.42 serves one copy, our engine reads the other through tsdb's BlockDir querier (merging several
 * blocks); instant and range answers must agree.
 */
class BlockEndToEndTest {
    private static final String[] QUERIES = {"c", "rate(c[5m])", "sum by (job) (rate(c[10m]))", "increase(c[1h])",
        "g", "avg_over_time(g[30m])", "max_over_time(g[2h])", "deriv(g[20m])", "histogram_quantile(0.9, sum by (le) (rate(h_bucket[10m])))",
        "c / on(job) group_left sum by (job) (c)", "topk(2, g)", "changes(g[1h])", "resets(c[3h])",
        "max_over_time(rate(c[5m])[1h:5m])", "count_over_time(c[2h])", "g offset 2h", "c @ 7200"};

    @Test
    void backfilledBlocks_answerAsPrometheus() throws Exception {
        Path tmp = Files.createTempDirectory("cairn-promql-blocks");
        try {
            StringBuilder om = new StringBuilder();
            int steps = 6 * 3600 / 15;
            double[] c = {0, 0, 0};
            for (int s = 0; s < 3; s++) {
                String job = s < 2 ? "a" : "b";
                for (int i = 0; i <= steps; i++) {
                    c[s] = (i % (700 + 100 * s) == 0 && i > 0) ? 3 : c[s] + (s + 1) * (1 + (i % 7));
                    om.append(String.format(Locale.ROOT, "c{job=\"%s\",inst=\"%d\"} %s %d%n", job, s, fmt(c[s]), 1000 + i * 15));
                }
            }
            for (int s = 0; s < 3; s++) {
                for (int i = 0; i <= steps; i++) {
                    if (s == 2 && i > steps / 2 && i < steps / 2 + 200) {
                        continue;
                    }
                    double v = Math.sin(i / 40.0 + s) * 10 + s;
                    om.append(String.format(Locale.ROOT, "g{inst=\"%d\"} %s %d%n", s, fmt(v), 1000 + i * 15));
                }
            }
            String[] les = {"0.1", "1", "10", "+Inf"};
            for (int b = 0; b < les.length; b++) {
                for (int i = 0; i <= steps; i++) {
                    om.append(String.format(Locale.ROOT, "h_bucket{le=\"%s\"} %d %d%n", les[b], (long) i * (b + 1) * 3,
                            1000 + i * 15));
                }
            }
            om.append("# EOF\n");
            Path file = tmp.resolve("data.om");
            Files.writeString(file, om);
            Path ours = tmp.resolve("ours");
            Process p = new ProcessBuilder("/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics",
                    file.toString(), ours.toString()).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("promtool.log").toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("promtool.log")));
            Path theirs = tmp.resolve("theirs");
            copy(ours, theirs);
            BlockDir blocks = BlockDir.open(ours);
            assertTrue(BlockDir.blockDirs(ours).size() >= 3, "expected several blocks");
            Engine engine = new Engine();
            List<String> diffs = new ArrayList<>();
            int cases = 0;
            try (RealPrometheus prom = RealPrometheus.start(List.of(), theirs)) {
                for (String q : QUERIES) {
                    for (long t : new long[] {1_000_000, 7_200_000, 7_201_000, 14_400_000, 20_000_000}) {
                        String[] err = new String[1];
                        Value v = prom.query(q, t, err);
                        List<PromqlScript.Expected> exp = new ArrayList<>();
                        for (Sample s : ((Vector) v).samples()) {
                            exp.add(new PromqlScript.Expected(s.labels(), s.v()));
                        }
                        String m = ScriptChecks.mismatch(new PromqlScript.Eval(q, t, false, false, null, exp, null,
                                "blocks", 0), engine.instantQuery(blocks::querier, q, t).value(), null);
                        cases++;
                        if (m != null) {
                            diffs.add("instant " + q + " @" + t + ": " + m);
                        }
                    }
                    String[] rerr = new String[1];
                    Value r = prom.queryRange(q, 0, 22_000_000, 97_000, rerr);
                    String m = PrometheusAgreementTest.matrixMismatch((Matrix) r,
                            (Matrix) engine.rangeQuery(blocks::querier, q, 0, 22_000_000, 97_000).value());
                    cases++;
                    if (m != null) {
                        diffs.add("range " + q + ": " + m);
                    }
                }
            }
            System.out.printf("blocks end to end: %d cases, %d differ%n", cases, diffs.size());
            assertEquals(List.of(), diffs);
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String fmt(double v) {
        return Double.toString(v);
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path dst = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(f, dst);
                }
            }
        }
    }
}
