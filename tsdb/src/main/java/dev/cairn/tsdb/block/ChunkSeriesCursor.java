package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.SeriesBuilder;
import dev.cairn.tsdb.labels.Labels;

import java.util.List;

/**
 * Walks every series of a block in index order with its chunk metas, without reading chunks:
 * what compaction needs to decide between copying chunks and re-encoding samples.
 * Protocol: {@link #next()}, then the accessors. Not thread-safe.
 */
public final class ChunkSeriesCursor {
    private final Block block;
    private final Postings postings;
    private final SeriesBuilder sb = new SeriesBuilder();
    private long ref;
    private long[] chunks;

    ChunkSeriesCursor(Block block) {
        this.block = block;
        this.postings = block.index().allPostings();
    }

    public boolean next() {
        if (!postings.next()) {
            chunks = null;
            return false;
        }
        ref = postings.at();
        if (!block.index().series(ref, sb)) {
            throw new CorruptionException(block.index().file(), ref * 16, "postings point at series ref " + ref
                    + " outside the series section");
        }
        List<ChunkMeta> cms = sb.chunks();
        chunks = new long[cms.size() * 3];
        for (int i = 0; i < cms.size(); i++) {
            ChunkMeta cm = cms.get(i);
            chunks[3 * i] = cm.ref();
            chunks[3 * i + 1] = cm.minTime();
            chunks[3 * i + 2] = cm.maxTime();
        }
        return true;
    }

    public Block block() {
        return block;
    }

    /** The series' reference in the block's index (the key of its tombstones). */
    public long ref() {
        return ref;
    }

    public Labels labels() {
        return sb.labels();
    }

    /** {@code [ref0, minTime0, maxTime0, ref1, ...]} in time order; a fresh array per series. */
    public long[] chunks() {
        return chunks;
    }

    /** Deleted intervals of this series, or null. */
    public long[] deleted() {
        return block.tombstones().intervals(ref);
    }
}
