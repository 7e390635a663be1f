package dev.cairn.tsdb.tool;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes OpenMetrics inputs for backfill tests that exercise what matters for compatibility:
 * several metrics with HELP/TYPE/UNIT, label values with escapes and non-ASCII text, NaN and
 * ±Inf values, integer and fractional values, fractional-second timestamps, irregular scrape
 * intervals, a span of several hours (several 2h blocks), hundreds of samples per series (several
 * chunks), an exemplar, and a few series that start late or stop early.
 */
public final class OpenMetricsFixture {
    private OpenMetricsFixture() {
    }

    /**
     * @param start   first timestamp, ms (not aligned on purpose when given so)
     * @param hours   span of the data
     * @param seed    makes values reproducible
     * @return number of sample lines written
     */
    public static long write(Path file, long start, int hours, long seed) throws IOException {
        Random r = new Random(seed);
        long lines = 0;
        long end = start + hours * 3_600_000L;
        String[] paths = {"/", "/api/v1/query", "/a\\\\b", "/quote\\\"d", "/new\\nline", "/tab\\there", "/é日本"};
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# HELP http_requests_total Requests served, by \\\"path\\\".\n");
            w.write("# TYPE http_requests_total counter\n");
            w.write("# TYPE temperature_celsius gauge\n");
            w.write("# UNIT temperature_celsius celsius\n");
            w.write("# HELP odd_values Values of every kind.\n");
            w.write("# TYPE odd_values gauge\n");
            w.write("# TYPE job:up:sum unknown\n");
            double[] counters = new double[paths.length];
            long t = start;
            int step = 0;
            while (t < end) {
                String ts = seconds(t);
                for (int i = 0; i < paths.length; i++) {
                    counters[i] += r.nextInt(20);
                    w.write("http_requests_total{code=\"200\",path=\"" + paths[i] + "\"} " + fmt(counters[i]) + " " + ts);
                    if (step == 3 && i == 0) {
                        w.write(" # {trace_id=\"abc\"} 1.5 " + ts);
                    }
                    w.write("\n");
                    lines++;
                }
                for (String room : new String[] {"kitchen", "cellar"}) {
                    double v = 20 + r.nextGaussian() * 3;
                    w.write("temperature_celsius{room=\"" + room + "\",site=\"\"} " + v + " " + ts + "\n");
                    lines++;
                }
                String odd = switch (step % 9) {
                    case 0 -> "NaN";
                    case 1 -> "+Inf";
                    case 2 -> "-Inf";
                    case 3 -> "1e-07";
                    case 4 -> "-0.0";
                    case 5 -> "1.7976931348623157e+308";
                    case 6 -> "123456789012";
                    case 7 -> "0.1";
                    default -> String.valueOf(r.nextDouble() * 1e6);
                };
                w.write("odd_values{kind=\"mixed\"} " + odd + " " + ts + "\n");
                lines++;
                if (t < start + 3_600_000L) {
                    w.write("job:up:sum{job=\"early\"} 1 " + ts + "\n");
                    lines++;
                }
                if (t > end - 5_400_000L) {
                    w.write("job:up:sum{job=\"late\"} " + (step % 2) + " " + ts + "\n");
                    lines++;
                }
                // 15 s nominal interval with jitter, and a gap of 20 minutes once.
                t += step == 200 ? 1_200_000L : 15_000L + r.nextInt(400) - 200;
                step++;
            }
            w.write("# EOF\n");
        }
        return lines;
    }

    /** Seconds with up to 3 decimals; the parser turns them back into the same ms. */
    static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : java.math.BigDecimal.valueOf(ms, 3).toPlainString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
