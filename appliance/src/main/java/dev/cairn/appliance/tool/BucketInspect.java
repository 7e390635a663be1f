package dev.cairn.appliance.tool;

import dev.cairn.tsdb.tool.GoText;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.ship.MetaFetcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code cairn bucket inspect}: the blocks as {@code thanos tools bucket inspect} tabulates them, same
 * columns, same cell formats (times {@code dd-MM-yyyy HH:mm:ss}, here in UTC; durations as Go prints them;
 * counts with thousands separators), rows filtered by external labels and sorted by columns (FROM, UNTIL
 * by default; ULID breaks ties). Sorting uses the values, not their text.
 */
public final class BucketInspect {
    public static final List<String> COLUMNS = List.of("ULID", "FROM", "UNTIL", "RANGE", "UNTIL-DOWN", "#SERIES",
            "#SAMPLES", "#CHUNKS", "COMP-LEVEL", "COMP-FAILED", "LABELS", "RESOLUTION", "SOURCE");
    public static final List<String> DEFAULT_SORT = List.of("FROM", "UNTIL");
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd-MM-yyyy HH:mm:ss").withZone(ZoneOffset.UTC);
    /** Thanos downsamples raw blocks spanning 40h to 5m, and 5m blocks spanning 10 days to 1h. */
    static final long RAW_DOWNSAMPLE_RANGE = 40L * 3_600_000;
    static final long FIVE_M_DOWNSAMPLE_RANGE = 10L * 24 * 3_600_000;

    private BucketInspect() {
    }

    /** One row: the cells and, per column, the value it sorts by. */
    private record Row(List<String> cells, List<Comparable<?>> keys) {
    }

    /**
     * Prints the table.
     *
     * @param selector external labels every listed block must carry with these values
     * @param sortBy   column names of {@link #COLUMNS}
     * @throws IllegalArgumentException for an unknown column
     */
    public static void run(Bucket bucket, Map<String, String> selector, List<String> sortBy, PrintWriter out)
            throws IOException {
        List<Integer> sortCols = new ArrayList<>();
        for (String c : sortBy) {
            int i = COLUMNS.indexOf(c.toUpperCase(Locale.ROOT));
            if (i < 0) {
                throw new IllegalArgumentException("--sort-by " + c + ": no such column; choose from " + COLUMNS);
            }
            sortCols.add(i);
        }
        BucketBlocks.Listing l = BucketBlocks.list(bucket, new MetaFetcher(bucket, 8));
        List<Row> rows = new ArrayList<>();
        for (BucketBlocks.Entry e : l.blocks()) {
            Map<String, String> labels = e.meta().thanos() == null ? Map.of() : e.meta().thanos().labels();
            if (selector.entrySet().stream().allMatch(s -> s.getValue().equals(labels.get(s.getKey())))) {
                rows.add(row(e));
            }
        }
        Comparator<Row> order = (a, b) -> 0;
        for (int col : sortCols) {
            order = order.thenComparing(r -> key(r, col));
        }
        rows.sort(order.thenComparing(r -> key(r, 0)));
        List<List<String>> cells = new ArrayList<>();
        rows.forEach(r -> cells.add(r.cells()));
        out.print(table(COLUMNS, cells));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static Comparable<Object> key(Row r, int col) {
        return (Comparable<Object>) r.keys().get(col);
    }

    private static Row row(BucketBlocks.Entry e) {
        BlockMeta m = e.meta();
        long range = m.maxTime() - m.minTime();
        Long untilDown = untilNextDownsampling(e.resolution(), range);
        String labels = (e.meta().thanos() == null ? Map.<String, String>of() : e.meta().thanos().labels())
                .entrySet().stream().map(x -> x.getKey() + "=" + x.getValue()).collect(Collectors.joining(","));
        String source = m.thanos() == null ? "" : m.thanos().source();
        List<String> cells = List.of(m.ulid().toString(),
                TIME.format(Instant.ofEpochSecond(Math.floorDiv(m.minTime(), 1000))),
                TIME.format(Instant.ofEpochSecond(Math.floorDiv(m.maxTime(), 1000))),
                GoText.durationMillis(range),
                untilDown == null ? "-" : GoText.durationMillis(untilDown),
                count(m.stats().numSeries()), count(m.stats().numSamples()), count(m.stats().numChunks()),
                count(m.compaction().level()), Boolean.toString(m.compaction().failed()), labels,
                GoText.durationMillis(e.resolution()), source);
        List<Comparable<?>> keys = List.of(m.ulid().toString(), m.minTime(), m.maxTime(), range,
                untilDown == null ? Long.MAX_VALUE : untilDown, m.stats().numSeries(), m.stats().numSamples(),
                m.stats().numChunks(), (long) m.compaction().level(), Boolean.toString(m.compaction().failed()),
                labels, e.resolution(), source);
        return new Row(cells, keys);
    }

    /** How much longer the block's range must grow before it is downsampled; null when it never is (1h). */
    static Long untilNextDownsampling(long resolution, long range) {
        if (resolution == 0) {
            return Math.max(0, RAW_DOWNSAMPLE_RANGE - range);
        }
        if (resolution == 5 * 60_000) {
            return Math.max(0, FIVE_M_DOWNSAMPLE_RANGE - range);
        }
        return null;
    }

    private static String count(long n) {
        return String.format(Locale.ENGLISH, "%,d", n);
    }

    /** A table as Thanos's tablewriter draws it: left and right borders, centred header, left-aligned cells. */
    static String table(List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            int pad = w[i] - header.get(i).length();
            sb.append(' ').append(" ".repeat(pad / 2)).append(header.get(i)).append(" ".repeat(pad - pad / 2))
                    .append(" |");
        }
        sb.append('\n').append('|');
        for (int width : w) {
            sb.append("-".repeat(width + 2)).append('|');
        }
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append('|');
            for (int i = 0; i < w.length; i++) {
                sb.append(' ').append(r.get(i)).append(" ".repeat(w[i] - r.get(i).length())).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
