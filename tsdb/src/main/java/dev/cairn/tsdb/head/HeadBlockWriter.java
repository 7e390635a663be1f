package dev.cairn.tsdb.head;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Persists the head's samples in [mint, maxt) as a level-1 block (Prometheus's compactHead), with
 * {@link BlockWriter}'s crash order: the block appears under its ULID only once complete.
 *
 * <p>Head chunks never cross a multiple of the chunk range, and blocks are cut on those multiples,
 * so a chunk normally lies wholly inside the block and is written unchanged (the head's XOR bytes
 * are the block's). A chunk straddling the range (the chunk range changed between runs) is
 * re-cut from its samples, clipped to the range.
 */
public final class HeadBlockWriter {
    private HeadBlockWriter() {
    }

    /**
     * Writes the block under {@code parent}.
     *
     * @param maxt end of the range, exclusive (meta.json's maxTime)
     * @return the block's meta, or null when the head holds no sample in the range (no block is written)
     */
    public static BlockMeta write(Head head, Path parent, long mint, long maxt) throws IOException {
        return write(head, parent, mint, maxt, Ulid.generate());
    }

    public static BlockMeta write(Head head, Path parent, long mint, long maxt, Ulid ulid) throws IOException {
        record Entry(Labels labels, ChunkList chunks) {
        }
        List<Entry> entries = new ArrayList<>();
        ChunkList scratch = new ChunkList();
        ClippedChunksIterator probe = new ClippedChunksIterator();
        head.series.forEach(s -> {
            synchronized (s) {
                s.chunksOverlapping(mint, maxt - 1, scratch, head.chunks);
            }
            if (scratch.size() > 0) {
                probe.reset(scratch, mint, maxt - 1);
                if (probe.next()) {
                    entries.add(new Entry(s.labels, scratch.trimmed()));
                }
                scratch.clear();
            }
        });
        if (entries.isEmpty()) {
            return null;
        }
        // the index lists series in Go's byte order of their labels
        entries.sort((a, b) -> Utf8Order.LABELS.compare(a.labels, b.labels));
        BlockWriter.Options opts = BlockWriter.Options.defaults()
                .withUlid(ulid)
                .withRange(mint, maxt)
                .withChunkRange(head.options().chunkRange());
        try (BlockWriter w = BlockWriter.create(parent, opts)) {
            List<BlockChunk> chunks = new ArrayList<>();
            ClippedChunksIterator it = new ClippedChunksIterator();
            for (Entry e : entries) {
                ChunkList cl = e.chunks;
                boolean inside = cl.minTime(0) >= mint && cl.maxTime(cl.size() - 1) < maxt;
                if (inside) {
                    chunks.clear();
                    for (int i = 0; i < cl.size(); i++) {
                        byte[] b = cl.chunk(i);
                        chunks.add(new BlockChunk(cl.minTime(i), cl.maxTime(i), XorChunk.wrap(b, 0, b.length)));
                    }
                    w.addChunks(e.labels, chunks);
                } else {
                    it.reset(cl, mint, maxt - 1);
                    w.addSeries(e.labels, it);
                }
            }
            return w.commit();
        }
    }
}
