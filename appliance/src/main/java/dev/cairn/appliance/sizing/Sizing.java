package dev.cairn.appliance.sizing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sizing formulas (docs/sizing.md explains each factor). Pure arithmetic over an {@link Observation},
 * so the same numbers can be checked by hand from the printed inputs.
 */
public final class Sizing {
    /** Free space kept beside the blocks: a compaction writes its output before it deletes its inputs. */
    public static final double COMPACTION_HEADROOM = 1.2;
    /** Index, tombstones and meta.json on top of the chunk bytes, and the block being cut from the head. */
    public static final double INDEX_OVERHEAD = 1.05;
    /** Downsampled chunks hold five aggregates (count, sum, min, max, counter) per series and window. */
    public static final int AGGREGATES = 5;
    /** The two downsampling resolutions, 5 m and 1 h, as Thanos's compactor produces them. */
    public static final long RES_5M_SECONDS = 300;
    public static final long RES_1H_SECONDS = 3600;
    /**
     * Head memory per series, planning figure: Cairn's HeadBench measured 880 B/series of live heap with one
     * 120-sample chunk per series (100k series); a 3 h head holds a few more chunks (docs/sizing.md).
     */
    public static final double DEFAULT_HEAD_BYTES_PER_SERIES = 1536;
    /**
     * A sample in a WAL samples record: signed varint series-ref delta (1–3 B), signed varint
     * timestamp delta (1 B within a scrape), the float64 value (8 B); Cairn writes its WAL uncompressed.
     */
    public static final double WAL_BYTES_PER_SAMPLE = 12;
    /**
     * The WAL keeps the samples since the head was last truncated: the head is cut once it spans 1.5 block
     * ranges (3 h with 2 h blocks) and keeps the newest third, so the WAL peaks at about 3 h of samples.
     */
    public static final long WAL_SECONDS = 3 * 3600;

    private Sizing() {
    }

    /** One result: the figure in bytes, and the formula with its inputs, for the operator to recompute. */
    public record Line(String what, double bytes, String formula) {
    }

    public static double rawBytes(Observation o, Duration retention) {
        return retention.toSeconds() * o.samplesPerSecond() * o.bytesPerSample() * COMPACTION_HEADROOM * INDEX_OVERHEAD;
    }

    public static double downsampledSamplesPerSecond(Observation o) {
        return o.headSeries() * AGGREGATES * (1.0 / RES_5M_SECONDS + 1.0 / RES_1H_SECONDS);
    }

    public static double downsampledBytes(Observation o, Duration retention) {
        return retention.toSeconds() * downsampledSamplesPerSecond(o) * o.bytesPerSample()
                * COMPACTION_HEADROOM * INDEX_OVERHEAD;
    }

    public static double headBytes(Observation o, double bytesPerSeries) {
        return o.headSeries() * bytesPerSeries;
    }

    public static double walBytes(Observation o) {
        return WAL_SECONDS * o.samplesPerSecond() * WAL_BYTES_PER_SAMPLE;
    }

    /** The report's lines: raw disk, downsampled disk, WAL, total disk, head memory. */
    public static List<Line> lines(Observation o, Duration raw, Duration downsampled, double headBytesPerSeries) {
        List<Line> out = new ArrayList<>();
        double rawB = rawBytes(o, raw);
        out.add(new Line("disk, raw blocks", rawB, f("%d s (%s) x %.1f samples/s x %.3f B/sample x %.2f x %.2f",
                raw.toSeconds(), human(raw), o.samplesPerSecond(), o.bytesPerSample(), COMPACTION_HEADROOM, INDEX_OVERHEAD)));
        double dsB = downsampledBytes(o, downsampled);
        out.add(new Line("disk, downsampled blocks", dsB, f("%d s (%s) x [%.0f series x %d aggregates x (1/%d + 1/%d) s^-1"
                        + " = %.1f samples/s] x %.3f B/sample x %.2f x %.2f",
                downsampled.toSeconds(), human(downsampled), o.headSeries(), AGGREGATES, RES_5M_SECONDS, RES_1H_SECONDS,
                downsampledSamplesPerSecond(o), o.bytesPerSample(), COMPACTION_HEADROOM, INDEX_OVERHEAD)));
        double walB = walBytes(o);
        out.add(new Line("disk, WAL", walB, f("%d s (3 h) x %.1f samples/s x %.0f B/WAL sample",
                WAL_SECONDS, o.samplesPerSecond(), WAL_BYTES_PER_SAMPLE)));
        out.add(new Line("disk, total", rawB + dsB + walB, "raw + downsampled + WAL"));
        out.add(new Line("memory, head", headBytes(o, headBytesPerSeries),
                f("%.0f head series x %.0f B/series", o.headSeries(), headBytesPerSeries)));
        return out;
    }

    /** Binary units with three significant digits: 1.23 GiB. */
    public static String bytes(double b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return f(b >= 100 ? "%.0f %s" : b >= 10 ? "%.1f %s" : "%.2f %s", b, units[u]);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s % 86400 == 0 ? s / 86400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s + "s";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
