package dev.cairn.tsdb.head;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorIterator;

/**
 * The samples of consecutive, time-ordered XOR chunks, restricted to [mint, maxt]. Reusable through
 * {@link #reset}; allocates nothing per sample.
 */
final class ClippedChunksIterator implements ChunkIterator {
    private final XorIterator it = new XorIterator();
    private ChunkList chunks;
    private int next;
    private boolean inChunk;
    private boolean done;
    private long mint;
    private long maxt;

    void reset(ChunkList chunks, long mint, long maxt) {
        this.chunks = chunks;
        this.mint = mint;
        this.maxt = maxt;
        this.next = 0;
        this.inChunk = false;
        this.done = false;
    }

    @Override
    public boolean next() {
        while (!done) {
            if (!inChunk) {
                if (next >= chunks.size()) {
                    done = true;
                    return false;
                }
                byte[] c = chunks.chunk(next++);
                it.reset(c, 0, c.length);
                inChunk = true;
            }
            if (!it.next()) {
                inChunk = false;
                continue;
            }
            long t = it.atT();
            if (t < mint) {
                continue;
            }
            if (t > maxt) {
                done = true;
                return false;
            }
            return true;
        }
        return false;
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        if (inChunk && it.atT() >= t && it.atT() >= mint) {
            return true;
        }
        // skip whole chunks that end before t
        if (!inChunk) {
            while (next < chunks.size() && chunks.maxTime(next) < t) {
                next++;
            }
        }
        while (next()) {
            if (it.atT() >= t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long atT() {
        return it.atT();
    }

    @Override
    public double atV() {
        return it.atV();
    }
}
