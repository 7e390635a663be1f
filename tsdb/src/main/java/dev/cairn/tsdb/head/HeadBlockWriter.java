package dev.cairn.tsdb.head;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.index.Utf8Order;

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
        // Only the series are gathered and sorted up front; each one's chunks are read while it is
        // written. Gathering every chunk first held a copy of the whole range on the heap (about
        // 600 MB for 1M series and 2h, several GB at the reference site's 3M) at every block cut.
        // Reading late is safe: a block is cut only over a range the head no longer appends to
        // (samples below its min valid time are refused), and the head is truncated after the block
        // is written, so each series' chunks in the range are the same now as at the start.
        List<MemSeries> series = new ArrayList<>();
        head.series.forEach(series::add);
        // the index lists series in Go's byte order of their labels
        series.sort((a, b) -> Utf8Order.LABELS.compare(a.labels, b.labels));
        BlockWriter.Options opts = BlockWriter.Options.defaults()
                .withUlid(ulid)
                .withRange(mint, maxt)
                .withChunkRange(head.options().chunkRange());
        boolean any = false;
        try (BlockWriter w = BlockWriter.create(parent, opts)) {
            ChunkList cl = new ChunkList();
            List<BlockChunk> chunks = new ArrayList<>();
            ClippedChunksIterator it = new ClippedChunksIterator();
            for (MemSeries s : series) {
                cl.clear();
                synchronized (s) {
                    s.chunksOverlapping(mint, maxt - 1, cl, head.chunks);
                }
                if (cl.size() == 0) {
                    continue;
                }
                it.reset(cl, mint, maxt - 1);
                if (!it.next()) {
                    continue; // chunks touch the range but hold no sample inside it
                }
                any = true;
                boolean inside = cl.minTime(0) >= mint && cl.maxTime(cl.size() - 1) < maxt;
                if (inside) {
                    chunks.clear();
                    for (int i = 0; i < cl.size(); i++) {
                        byte[] b = cl.chunk(i);
                        chunks.add(new BlockChunk(cl.minTime(i), cl.maxTime(i), XorChunk.wrap(b, 0, b.length)));
                    }
                    w.addChunks(s.labels, chunks);
                } else {
                    it.reset(cl, mint, maxt - 1);
                    w.addSeries(s.labels, it);
                }
            }
            if (!any) {
                return null; // closing an uncommitted writer removes its temporary directory
            }
            return w.commit();
        }
    }
}
