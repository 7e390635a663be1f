package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.index.IndexReader;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.SeriesBuilder;
import dev.cairn.tsdb.labels.Labels;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tsdb analyze}: churn, label cardinality and chunk fill of one block, with promtool 2.42's
 * sections and line formats (cmd/promtool/tsdb.go analyzeBlock), then a section of Cairn's own on
 * storage efficiency (chunks, samples, bytes per sample).
 *
 * <p>promtool orders equal counts in each list arbitrarily (a map walked by an unstable sort);
 * here ties are ordered by name, so the output is reproducible. "Churn" of a label is the share of
 * the block's range its series do not cover, summed over series, in units of the block range.
 */
public final class TsdbAnalyze {
    private static final int NUM_BUCKETS = 10;

    private TsdbAnalyze() {
    }

    /**
     * @param blockId the block's ULID, or null for the last block (highest minTime), as promtool
     * @param limit   entries per list
     */
    public static void run(Path db, String blockId, int limit, boolean extended, PrintWriter out, PrintWriter err)
            throws IOException {
        try (DbBlocks blocks = DbBlocks.open(db, err)) {
            Block block = null;
            if (blockId != null && !blockId.isEmpty()) {
                for (Block b : blocks.blocks()) {
                    if (b.meta().ulid().toString().equals(blockId)) {
                        block = b;
                    }
                }
                if (block == null) {
                    throw new IllegalArgumentException("block " + blockId + " not found in " + db
                            + (blocks.skipped() > 0 ? " (or it is one of the blocks skipped above)" : ""));
                }
            } else if (!blocks.blocks().isEmpty()) {
                block = blocks.blocks().get(blocks.blocks().size() - 1);
            } else {
                throw new IllegalArgumentException("no block to analyze in " + db);
            }
            analyze(block, limit, extended, out);
            out.flush();
        }
    }

    private record Entry(String key, long count) {
    }

    static void analyze(Block block, int limit, boolean extended, PrintWriter out) throws IOException {
        BlockMeta meta = block.meta();
        IndexReader ir = block.index();
        long range = meta.maxTime() - meta.minTime();
        out.printf(Locale.ROOT, "Block ID: %s%n", meta.ulid());
        out.printf(Locale.ROOT, "Duration: %s%n", GoText.durationMillis(range));
        out.printf(Locale.ROOT, "Series: %d%n", meta.stats().numSeries());
        List<String> names = ir.labelNames();
        out.printf(Locale.ROOT, "Label names: %d%n", names.size());

        Map<String, Long> labelsUncovered = new HashMap<>();
        Map<String, Long> pairsUncovered = new HashMap<>();
        Map<String, Long> pairsCount = new HashMap<>();
        long entries = 0;
        long chunks = 0;
        Postings p = ir.allPostings();
        SeriesBuilder sb = new SeriesBuilder();
        while (p.next()) {
            ir.series(p.at(), sb);
            List<ChunkMeta> chks = sb.chunks();
            chunks += chks.size();
            long uncovered = chks.isEmpty() ? range
                    : range - (chks.get(chks.size() - 1).maxTime() - chks.get(0).minTime());
            Labels ls = sb.labels();
            for (int i = 0; i < ls.size(); i++) {
                String key = ls.name(i) + "=" + ls.value(i);
                labelsUncovered.merge(ls.name(i), uncovered, Long::sum);
                pairsUncovered.merge(key, uncovered, Long::sum);
                pairsCount.merge(key, 1L, Long::sum);
                entries++;
            }
        }
        out.printf(Locale.ROOT, "Postings (unique label pairs): %d%n", pairsUncovered.size());
        out.printf(Locale.ROOT, "Postings entries (total label pairs): %d%n", entries);

        out.printf(Locale.ROOT, "%nLabel pairs most involved in churning:%n");
        print(out, churn(pairsUncovered, range), limit);
        out.printf(Locale.ROOT, "%nLabel names most involved in churning:%n");
        print(out, churn(labelsUncovered, range), limit);
        out.printf(Locale.ROOT, "%nMost common label pairs:%n");
        print(out, entries(pairsCount), limit);

        List<Entry> lengths = new ArrayList<>();
        List<Entry> cardinality = new ArrayList<>();
        for (String n : names) {
            List<String> values = ir.labelValues(n);
            long len = 0;
            for (String v : values) {
                len += v.getBytes(StandardCharsets.UTF_8).length; // Go's len(): bytes
            }
            lengths.add(new Entry(n, len));
            cardinality.add(new Entry(n, values.size()));
        }
        out.printf(Locale.ROOT, "%nLabel names with highest cumulative label value length:%n");
        print(out, lengths, limit);
        out.printf(Locale.ROOT, "%nHighest cardinality labels:%n");
        print(out, cardinality, limit);

        List<Entry> metrics = new ArrayList<>();
        for (String name : ir.labelValues(Labels.METRIC_NAME)) {
            Postings mp = ir.postings(Labels.METRIC_NAME, name);
            long c = 0;
            while (mp.next()) {
                c++;
            }
            metrics.add(new Entry(name, c));
        }
        out.printf(Locale.ROOT, "%nHighest cardinality metric names:%n");
        print(out, metrics, limit);

        if (extended) {
            compaction(block, out);
        }
        storage(block, chunks, out);
    }

    /** promtool's {@code --extended}: how full chunks are, in tenths of 120 samples. */
    private static void compaction(Block block, PrintWriter out) {
        IndexReader ir = block.index();
        int[] histogram = new int[NUM_BUCKETS];
        int total = 0;
        Postings p = ir.allPostings();
        SeriesBuilder sb = new SeriesBuilder();
        while (p.next()) {
            ir.series(p.at(), sb);
            for (ChunkMeta cm : sb.chunks()) {
                Chunk c = block.chunks().chunk(cm.ref());
                double size = Math.min(c.numSamples(), 120);
                int bucket = (int) Math.ceil(NUM_BUCKETS * size / 120) - 1;
                histogram[Math.max(bucket, 0)]++;
                total++;
            }
        }
        out.printf(Locale.ROOT, "%nCompaction analysis:%n");
        out.println("Fullness: Amount of samples in chunks (100% is 120 samples)");
        for (int b = 0; b < NUM_BUCKETS; b++) {
            int percentage = total == 0 ? 0 : 100 * histogram[b] / total;
            out.printf(Locale.ROOT, "%7d%%: %s%n", (b + 1) * 10, "#".repeat(percentage));
        }
    }

    /** Cairn's addition: what the block costs on disk per sample. */
    private static void storage(Block block, long chunks, PrintWriter out) throws IOException {
        BlockMeta m = block.meta();
        long samples = m.stats().numSamples();
        long chunkBytes = block.chunks().size();
        out.printf(Locale.ROOT, "%nStorage:%n");
        out.printf(Locale.ROOT, "Chunks: %d%n", chunks);
        out.printf(Locale.ROOT, "Samples: %d%n", samples);
        out.printf(Locale.ROOT, "Samples per chunk: %s%n", chunks == 0 ? "0" : String.format(Locale.ROOT, "%.1f", (double) samples / chunks));
        out.printf(Locale.ROOT, "Chunk bytes: %d%n", chunkBytes);
        out.printf(Locale.ROOT, "Index bytes: %d%n", block.index().size());
        out.printf(Locale.ROOT, "Bytes per sample (chunks): %s%n", samples == 0 ? "0" : String.format(Locale.ROOT, "%.3f", (double) chunkBytes / samples));
        out.printf(Locale.ROOT, "Bytes per sample (block): %s%n", samples == 0 ? "0"
                : String.format(Locale.ROOT, "%.3f", (double) DbBlocks.size(block) / samples));
    }

    private static List<Entry> churn(Map<String, Long> uncovered, long range) {
        List<Entry> out = new ArrayList<>(uncovered.size());
        for (Map.Entry<String, Long> e : uncovered.entrySet()) {
            // uint64(float64(m) / float64(range)): truncation toward zero
            out.add(new Entry(e.getKey(), range == 0 ? 0 : (long) ((double) e.getValue() / (double) range)));
        }
        return out;
    }

    private static List<Entry> entries(Map<String, Long> counts) {
        List<Entry> out = new ArrayList<>(counts.size());
        counts.forEach((k, v) -> out.add(new Entry(k, v)));
        return out;
    }

    private static void print(PrintWriter out, List<Entry> list, int limit) {
        list.sort((a, b) -> a.count != b.count ? Long.compare(b.count, a.count) : a.key.compareTo(b.key));
        for (int i = 0; i < list.size() && i < limit; i++) {
            out.printf(Locale.ROOT, "%d %s%n", list.get(i).count, list.get(i).key);
        }
    }
}
