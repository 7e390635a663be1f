package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Our rendering of promtool's dump text against promtool itself, on values of every magnitude. */
class PromDumpTest {
    @Test
    void render_sameAsPromtoolDump_forValuesOfAllMagnitudes(@TempDir Path tmp) throws Exception {
        Random r = new Random(11);
        Samples a = new Samples(Labels.of("__name__", "m", "q", "say \"hi\"\\"));
        Samples b = new Samples(Labels.of("__name__", "m", "q", "plain"));
        double[] special = {0, -0.0, 1, -1, 1e6, 999999, 1e-4, 1e-5, 0.1, Double.MAX_VALUE, Double.MIN_VALUE,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 123456.789, 2.5e-300};
        long t = 1_700_000_000_000L;
        for (double v : special) {
            a.add(t++, v);
        }
        for (int i = 0; i < 1500; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
                case 1 -> -r.nextInt(1_000_000);
                case 2 -> Double.longBitsToDouble(r.nextLong()) ;
                default -> Math.round(r.nextGaussian() * 1000) / 100.0;
            };
            if (Double.isNaN(v)) {
                v = 1;
            }
            a.add(t, v);
            if (i % 3 == 0) {
                b.add(t, i);
            }
            t += 1 + r.nextInt(1000);
        }
        List<Samples> stored = OpenMetricsInput.write(tmp.resolve("in.om"), List.of(a, b));
        Path db = tmp.resolve("db");
        Files.createDirectories(db);
        Promtool.run("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("in.om").toString(), db.toString());
        String dump = Promtool.dump(db);
        assertEquals(PromDump.render(stored), dump);
        assertEquals(stored.size(), PromDump.parse(dump).size());
        assertEquals(stored.get(0).labels(), PromDump.parse(dump).get(0).labels());
    }
}
