package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ChunkSegmentReader;

/**
 * The samples of one series of a block: its chunks read lazily in time order, clipped to
 * [mint, maxt] (inclusive), samples inside deleted intervals skipped. Chunks ending before a
 * {@link #seek} target are skipped without being decoded. Not thread-safe.
 */
public final class BlockSamplesIterator implements ChunkIterator {
    private final ChunkSegmentReader reader;
    private final long[] chunks;
    private final long[] deleted;
    private final long mint;
    private final long maxt;
    private int nextChunk;
    private ChunkIterator cur;
    private ChunkIterator reuse;
    private boolean done;
    /** True while cur sits on a sample this iterator returned. */
    private boolean positioned;

    /**
     * @param chunks  {@code [ref0, minTime0, maxTime0, ref1, ...]} in time order
     * @param deleted tombstone intervals of the series ({@link Tombstones#intervals}), or null
     */
    public BlockSamplesIterator(ChunkSegmentReader reader, long[] chunks, long[] deleted, long mint, long maxt) {
        this.reader = reader;
        this.chunks = chunks;
        this.deleted = deleted;
        this.mint = mint;
        this.maxt = maxt;
    }

    /** Opens the next chunk; false when none is left. */
    private boolean advanceChunk() {
        if (nextChunk * 3 >= chunks.length || chunks[3 * nextChunk + 1] > maxt) {
            return false;
        }
        cur = reader.chunk(chunks[3 * nextChunk]).iterator(reuse);
        reuse = cur;
        nextChunk++;
        return true;
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        positioned = next0();
        return positioned;
    }

    private boolean next0() {
        while (true) {
            if (cur != null && cur.next()) {
                long t = cur.atT();
                if (t > maxt) {
                    done = true;
                    return false;
                }
                if (t < mint || Tombstones.isDeleted(deleted, t)) {
                    continue;
                }
                return true;
            }
            if (!advanceChunk()) {
                done = true;
                return false;
            }
        }
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        if (positioned && cur.atT() >= t) {
            return true;
        }
        // Skip whole chunks that end before t without decoding them.
        while (nextChunk * 3 < chunks.length && chunks[3 * nextChunk + 2] < t) {
            nextChunk++;
            cur = null;
            positioned = false;
        }
        while (next()) {
            if (atT() >= t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long atT() {
        return cur.atT();
    }

    @Override
    public double atV() {
        return cur.atV();
    }
}
