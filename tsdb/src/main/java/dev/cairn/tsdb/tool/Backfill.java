package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.tool.openmetrics.OpenMetricsException;
import dev.cairn.tsdb.tool.openmetrics.OpenMetricsParser;
import dev.cairn.tsdb.tool.openmetrics.OpenMetricsParser.Entry;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code create-blocks-from openmetrics}: turns an OpenMetrics file into TSDB blocks as promtool
 * 2.42's backfill does (cmd/promtool/backfill.go), so both tools give the same blocks for the
 * same input, chunk for chunk:
 *
 * <ol>
 *   <li>a first pass reads the whole input to find the first and last timestamp (and fails on any
 *       syntax error, or a sample without a timestamp, before anything is written);</li>
 *   <li>time is cut into windows of the block duration (2h, or the largest of 2h·3^k not above
 *       {@code --max-block-duration}) aligned to multiples of it; each window with samples re-reads
 *       the input and writes one block of its samples, its range [first sample, last sample + 1];</li>
 *   <li>samples go through an emulation of the head promtool appends to ({@link BackfillSeries}), in
 *       batches of 5000: a sample older than its series' last committed sample, or at the same time
 *       with another value, aborts the backfill; one that is not newer than a sample of the same
 *       batch is dropped silently. Blocks of earlier windows stay in the output directory.</li>
 * </ol>
 *
 * Memory holds one window's chunks, as promtool's head does; the input is streamed once per window.
 */
public final class Backfill {
    /** Prometheus's tsdb.DefaultBlockDuration. */
    public static final long DEFAULT_BLOCK_DURATION = 2 * 3600 * 1000L;
    /** promtool's maxSamplesInAppender: samples per appender commit. */
    static final int SAMPLES_PER_COMMIT = 5000;

    private final Path input;
    private final Path outputDir;
    private final long blockDuration;

    /** Receives each block as it is written (for printing). */
    public interface BlockListener {
        void written(WrittenBlock block) throws IOException;
    }

    /** A block the backfill wrote: its directory and meta. */
    public record WrittenBlock(Path dir, BlockMeta meta) {
    }

    private Backfill(Path input, Path outputDir, long maxBlockDuration) {
        this.input = input;
        this.outputDir = outputDir;
        this.blockDuration = compatibleBlockDuration(maxBlockDuration);
    }

    /**
     * Backfills {@code input} into blocks under {@code outputDir} (created if missing).
     *
     * @param maxBlockDuration ms; values up to 2h mean 2h
     * @return the blocks written, in time order
     * @throws OpenMetricsException on bad input, naming file and line
     */
    public static List<WrittenBlock> run(Path input, Path outputDir, long maxBlockDuration, BlockListener listener)
            throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new java.nio.file.NoSuchFileException(input.toString(), null, "the OpenMetrics input file does not exist");
        }
        Files.createDirectories(outputDir);
        return new Backfill(input, outputDir, maxBlockDuration).run(listener);
    }

    /** promtool's getCompatibleBlockDuration: 2h, or the largest of 2h·3^k (k ≤ 9) not above the maximum. */
    public static long compatibleBlockDuration(long maxBlockDuration) {
        long d = DEFAULT_BLOCK_DURATION;
        if (maxBlockDuration > DEFAULT_BLOCK_DURATION) {
            long[] ranges = new long[10];
            ranges[0] = DEFAULT_BLOCK_DURATION;
            for (int i = 1; i < ranges.length; i++) {
                ranges[i] = ranges[i - 1] * 3;
            }
            int idx = ranges.length - 1;
            for (int i = 0; i < ranges.length; i++) {
                if (ranges[i] > maxBlockDuration) {
                    idx = i - 1;
                    break;
                }
            }
            d = ranges[idx];
        }
        return d;
    }

    List<WrittenBlock> run(BlockListener listener) throws IOException {
        long[] range = minMax();
        long mint = range[0];
        long maxt = range[1];
        mint = blockDuration * (mint / blockDuration);
        List<WrittenBlock> written = new ArrayList<>();
        Map<String, Labels> labelsCache = new HashMap<>();
        long nextSampleTs = Long.MAX_VALUE;
        for (long t = mint; t <= maxt; t += blockDuration) {
            long tsUpper = t + blockDuration;
            if (nextSampleTs != Long.MAX_VALUE && nextSampleTs >= tsUpper) {
                continue; // no sample in this window: skip the re-read
            }
            nextSampleTs = Long.MAX_VALUE;
            Window w = new Window(2 * blockDuration);
            try (OpenMetricsParser p = open()) {
                int inBatch = 0;
                for (Entry e = p.next(); e != Entry.EOF; e = p.next()) {
                    if (e != Entry.SAMPLE) {
                        continue;
                    }
                    long ts = p.timestampMillis();
                    if (ts < t) {
                        continue;
                    }
                    if (ts >= tsUpper) {
                        nextSampleTs = Math.min(nextSampleTs, ts);
                        continue;
                    }
                    String key = p.seriesKey();
                    BackfillSeries s = w.byKey.get(key);
                    if (s == null) {
                        Labels ls = labelsCache.get(key);
                        if (ls == null) {
                            ls = headLabels(p);
                            labelsCache.put(key, ls);
                        }
                        s = w.series(key, ls);
                    }
                    w.append(p, s, ts, p.value());
                    if (++inBatch >= SAMPLES_PER_COMMIT) {
                        w.commit();
                        inBatch = 0;
                    }
                }
                w.commit();
            }
            if (w.minT == Long.MAX_VALUE) {
                continue; // every sample was dropped: Prometheus writes no empty block
            }
            WrittenBlock b = writeBlock(w);
            written.add(b);
            if (listener != null) {
                listener.written(b);
            }
        }
        return written;
    }

    /** Writes a window's series, sorted, as a level-1 block spanning [first sample, last sample + 1). */
    private WrittenBlock writeBlock(Window w) throws IOException {
        List<BackfillSeries> sorted = new ArrayList<>(w.byLabels.values());
        sorted.sort((a, b) -> Utf8Order.compare(a.labels, b.labels));
        BlockWriter.Options opts = BlockWriter.Options.defaults().withRange(w.minT, w.maxT + 1);
        try (BlockWriter bw = BlockWriter.create(outputDir, opts)) {
            for (BackfillSeries s : sorted) {
                bw.addChunks(s.labels, s.finish());
            }
            BlockMeta meta = bw.commit();
            return new WrittenBlock(bw.dir(), meta);
        }
    }

    /** First pass: {min, max} timestamp over all samples (0, 0 when there are none), checking the syntax. */
    private long[] minMax() throws IOException {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        try (OpenMetricsParser p = open()) {
            for (Entry e = p.next(); e != Entry.EOF; e = p.next()) {
                if (e != Entry.SAMPLE) {
                    continue;
                }
                if (!p.hasTimestamp()) {
                    throw new OpenMetricsException(p.source(), p.line(), "sample of " + p.metricName()
                            + " has no timestamp; backfilling needs one on every sample");
                }
                min = Math.min(min, p.timestampMillis());
                max = Math.max(max, p.timestampMillis());
            }
        }
        if (max == Long.MIN_VALUE) {
            max = 0;
        }
        if (min == Long.MAX_VALUE) {
            min = 0;
        }
        return new long[] {min, max};
    }

    private OpenMetricsParser open() throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16);
        return new OpenMetricsParser(in, input.toString());
    }

    /**
     * The labels the head stores for the current sample: name and labels sorted, empty values
     * dropped ({@code WithoutEmpty}), duplicate names rejected as the head rejects them.
     */
    static Labels headLabels(OpenMetricsParser p) {
        int n = p.labelCount();
        String[][] pairs = new String[n + 1][];
        pairs[0] = new String[] {Labels.METRIC_NAME, p.metricName()};
        int k = 1;
        for (int i = 0; i < n; i++) {
            String v = p.labelValue(i);
            if (!v.isEmpty()) {
                pairs[k++] = new String[] {p.labelName(i), v};
            }
        }
        String[][] used = Arrays.copyOf(pairs, k);
        Arrays.sort(used, (a, b) -> a[0].compareTo(b[0]));
        String[] kv = new String[2 * k];
        for (int i = 0; i < k; i++) {
            if (i > 0 && used[i][0].equals(used[i - 1][0])) {
                throw new OpenMetricsException(p.source(), p.line(), "label name \"" + used[i][0]
                        + "\" is not unique in the series (Prometheus rejects such samples)");
            }
            kv[2 * i] = used[i][0];
            kv[2 * i + 1] = used[i][1];
        }
        return Labels.ofSorted(kv);
    }

    /** The head of one window: its series and the batch being appended. */
    private static final class Window {
        final long chunkRange;
        final Map<String, BackfillSeries> byKey = new HashMap<>();
        final Map<Labels, BackfillSeries> byLabels = new HashMap<>();
        final List<BackfillSeries> batch = new ArrayList<>();
        long minT = Long.MAX_VALUE;
        long maxT = Long.MIN_VALUE;

        Window(long chunkRange) {
            this.chunkRange = chunkRange;
        }

        BackfillSeries series(String key, Labels ls) {
            BackfillSeries s = byLabels.computeIfAbsent(ls, l -> new BackfillSeries(l, chunkRange));
            byKey.put(key, s);
            return s;
        }

        void append(OpenMetricsParser p, BackfillSeries s, long t, double v) {
            switch (s.check(t, v)) {
                case OUT_OF_ORDER -> throw new OpenMetricsException(p.source(), p.line(), "out of order sample: "
                        + GoText.labels(s.labels) + " at " + t + " ms comes after " + s.committedMaxT
                        + " ms; promtool rejects this too: sort each series' samples by time");
                case DUPLICATE -> throw new OpenMetricsException(p.source(), p.line(), "duplicate sample for timestamp: "
                        + GoText.labels(s.labels) + " at " + t + " ms has two different values");
                default -> {
                }
            }
            if (!s.inBatch) {
                s.inBatch = true;
                batch.add(s);
            }
            if (s.append(t, v)) {
                minT = Math.min(minT, t);
                maxT = Math.max(maxT, t);
            }
        }

        void commit() {
            for (BackfillSeries s : batch) {
                s.commit();
            }
            batch.clear();
        }
    }
}
