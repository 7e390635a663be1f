package dev.cairn.tsdb.testing;

import dev.cairn.tsdb.labels.Labels;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes series as an OpenMetrics text file for {@code promtool tsdb create-blocks-from openmetrics},
 * and says which samples promtool will store: it reads the timestamp as float seconds and keeps
 * {@code int64(seconds * 1000)} ms (model/textparse/openmetricsparse.go), which we reproduce.
 * All series are written as gauges named by their {@code __name__}; samples are interleaved by time.
 */
public final class OpenMetricsInput {
    private OpenMetricsInput() {
    }

    /** Writes {@code series} to {@code file}; returns the series as promtool will store them. */
    public static List<Samples> write(Path file, List<Samples> series) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<Samples> stored = new ArrayList<>();
        java.util.Set<String> typed = new java.util.HashSet<>();
        for (Samples s : series) {
            String name = s.labels().get(Labels.METRIC_NAME);
            if (typed.add(name)) {
                sb.append("# TYPE ").append(name).append(" gauge\n");
            }
        }
        for (Samples s : series) {
            String name = s.labels().get(Labels.METRIC_NAME);
            StringBuilder lbs = new StringBuilder(name).append('{');
            boolean first = true;
            for (int i = 0; i < s.labels().size(); i++) {
                if (s.labels().name(i).equals(Labels.METRIC_NAME)) {
                    continue;
                }
                lbs.append(first ? "" : ",").append(s.labels().name(i)).append("=\"")
                        .append(s.labels().value(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                        .append('"');
                first = false;
            }
            lbs.append('}');
            Samples kept = new Samples(s.labels());
            for (int i = 0; i < s.size(); i++) {
                String seconds = BigDecimal.valueOf(s.t(i)).movePointLeft(3).toPlainString();
                sb.append(lbs).append(' ').append(GoFloat.format(s.v(i))).append(' ').append(seconds).append('\n');
                kept.add((long) (Double.parseDouble(seconds) * 1000), s.v(i));
            }
            stored.add(kept);
        }
        sb.append("# EOF\n");
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        stored.sort((a, b) -> a.labels().compareTo(b.labels()));
        return stored;
    }
}
