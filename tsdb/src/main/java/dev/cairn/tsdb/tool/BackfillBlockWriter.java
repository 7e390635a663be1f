package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.BlockCompaction;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockStats;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.Tombstones;
import dev.cairn.tsdb.block.TombstonesFile;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.chunk.ChunkSegmentWriter;
import dev.cairn.tsdb.index.IndexWriter;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes one backfill window as a level-1 block, in the order Prometheus's compactor uses: into
 * {@code <ULID>.tmp-for-creation}, chunks, index, meta.json and tombstones each fsynced, then one
 * rename to {@code <ULID>} so a reader never sees half a block.
 */
final class BackfillBlockWriter {
    private BackfillBlockWriter() {
    }

    static Backfill.WrittenBlock write(Path outputDir, List<BackfillSeries> sorted, long minTime, long maxTime)
            throws IOException {
        Ulid ulid = Ulid.generate();
        Path dir = outputDir.resolve(ulid.toString());
        Path tmp = outputDir.resolve(ulid + ".tmp-for-creation");
        DurableFiles.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        boolean done = false;
        try {
            long numSamples = 0;
            long numChunks = 0;
            long numSeries = 0;
            List<List<ChunkMeta>> metas = new ArrayList<>(sorted.size());
            TreeSet<String> symbols = new TreeSet<>(Utf8Order.STRINGS);
            try (ChunkSegmentWriter chunks = new ChunkSegmentWriter(tmp.resolve("chunks"))) {
                for (BackfillSeries s : sorted) {
                    List<EncodedChunk> cs = s.finish();
                    List<ChunkMeta> m = new ArrayList<>(cs.size());
                    for (EncodedChunk c : cs) {
                        m.add(new ChunkMeta(chunks.write(c.chunk()), c.minTime(), c.maxTime()));
                        numSamples += c.chunk().numSamples();
                    }
                    metas.add(m);
                    if (!m.isEmpty()) {
                        numSeries++;
                        numChunks += m.size();
                        Labels ls = s.labels;
                        for (int i = 0; i < ls.size(); i++) {
                            symbols.add(ls.name(i));
                            symbols.add(ls.value(i));
                        }
                    }
                }
            }
            try (IndexWriter index = new IndexWriter(tmp.resolve("index"))) {
                for (String sym : symbols) {
                    index.addSymbol(sym);
                }
                for (int i = 0; i < sorted.size(); i++) {
                    if (!metas.get(i).isEmpty()) {
                        index.addSeries(sorted.get(i).labels, metas.get(i));
                    }
                }
            }
            BlockMeta meta = new BlockMeta(ulid, minTime, maxTime, new BlockStats(numSamples, numSeries, numChunks, 0),
                    BlockCompaction.level1(ulid), BlockMeta.VERSION_1, null);
            MetaJson.write(tmp, meta);
            TombstonesFile.write(tmp, Tombstones.EMPTY);
            DurableFiles.syncDir(tmp);
            DurableFiles.renameDurably(tmp, dir);
            done = true;
            return new Backfill.WrittenBlock(dir, meta);
        } finally {
            if (!done) {
                DurableFiles.deleteRecursively(tmp);
            }
        }
    }
}
