package dev.cairn.tsdb.chunk;

/**
 * The samples of another iterator within [mint, maxt]: for chunks that reach past a query's range,
 * as a block's or a store's chunks do at both ends.
 */
public final class ClippedIterator implements ChunkIterator {
    private final ChunkIterator in;
    private final long mint;
    private final long maxt;
    private boolean started;
    private boolean done;

    public ClippedIterator(ChunkIterator in, long mint, long maxt) {
        this.in = in;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        boolean ok = started ? in.next() : in.seek(mint);
        started = true;
        done = !ok || in.atT() > maxt;
        return !done;
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        started = true;
        done = !in.seek(Math.max(t, mint)) || in.atT() > maxt;
        return !done;
    }

    @Override
    public long atT() {
        return in.atT();
    }

    @Override
    public double atV() {
        return in.atV();
    }
}
