package dev.cairn.appliance.sizing;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Prints the inputs and the estimates. Each estimate line is
 * {@code <what>: <human> (<bytes> B) = <formula with its inputs>}, so an operator can recompute it.
 */
public final class SizingReport {
    private SizingReport() {
    }

    public static void print(PrintWriter out, String url, Observation o, Duration raw, Duration downsampled,
                             double headBytesPerSeries) {
        out.println("Prometheus at " + url);
        out.println(String.format(Locale.ROOT, "  ingestion:        %.1f samples/s  (%s)", o.samplesPerSecond(), o.rateSource()));
        out.println(String.format(Locale.ROOT, "  head series:      %.0f  (prometheus_tsdb_head_series)", o.headSeries()));
        out.println(String.format(Locale.ROOT, "  bytes per sample: %.3f  (%s)", o.bytesPerSample(), o.bytesSource()));
        out.println();
        out.println("Estimates (x 1.2 keeps room for compactions, x 1.05 covers index and metadata; see docs/sizing.md):");
        for (Sizing.Line l : Sizing.lines(o, raw, downsampled, headBytesPerSeries)) {
            out.println(String.format(Locale.ROOT, "  %s: %s (%.0f B) = %s", l.what(), Sizing.bytes(l.bytes()), l.bytes(),
                    l.formula()));
        }
        out.flush();
    }
}
