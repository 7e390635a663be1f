package dev.cairn.appliance.query;

import dev.cairn.tsdb.chunk.ChunkIterator;

/**
 * Merges two replicas of one series into one stream with Thanos's penalty algorithm
 * (pkg/dedup/iter.go), so an HA pair reads as one series without doubling its sample rate.
 *
 * <p>Both replicas scrape the same target at nearly the same instants, with different phases. At
 * each step we take the replica whose next sample comes first. The replica not taken is then
 * "penalised": its next read starts only {@code 2 × (t − lastT)} after the sample just emitted
 * (twice the observed scrape interval; {@value #INITIAL_PENALTY_MS} ms before an interval is known),
 * so its samples that fall between two samples of the chosen replica are skipped instead of
 * interleaved. The chosen replica is read with no penalty, so we stay on it as long as it has
 * samples; we switch only when it has a gap longer than the other's penalty, and then at the other
 * replica's first sample past the penalty. A consequence, as in Thanos: at a switch the output's
 * distance between two samples can reach three scrape intervals (penalty plus phase). For more than
 * two replicas, iterators nest: dedup(dedup(a, b), c).
 *
 * <p>Seek walks with {@link #next()} rather than seeking the replicas, so that the choice of replica
 * at the target time is the same as when iterating; seeking both could skip a gap and pick a replica
 * that a full iteration would have dropped. Thanos's counter-reset adjustment at switches (which
 * needs the PromQL function as a hint) is not done: Cairn's Querier carries no such hint yet.
 */
final class DedupIterator implements ChunkIterator {
    static final long INITIAL_PENALTY_MS = 5000;

    private final ChunkIterator a;
    private final ChunkIterator b;
    private boolean aok;
    private boolean bok;
    private long lastT = Long.MIN_VALUE;
    private long penA;
    private long penB;
    private boolean useA = true;
    /** Whether next() has been called once: before it, the replicas are positioned but nothing is emitted. */
    private boolean started;
    private boolean done;

    DedupIterator(ChunkIterator a, ChunkIterator b) {
        this.a = a;
        this.b = b;
        this.aok = a.next();
        this.bok = b.next();
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        started = true;
        // Advance both replicas to at least just past the last emitted sample plus their penalty.
        // (lastT + 1 + pen cannot overflow: lastT starts at MIN_VALUE with pen 0, and after that
        // is a real timestamp.)
        if (aok) {
            aok = a.seek(lastT + 1 + penA);
        }
        if (bok) {
            bok = b.seek(lastT + 1 + penB);
        }
        if (!aok) {
            useA = false;
            if (!bok) {
                done = true;
                return false;
            }
            lastT = b.atT();
            penB = 0;
            return true;
        }
        if (!bok) {
            useA = true;
            lastT = a.atT();
            penA = 0;
            return true;
        }
        long ta = a.atT();
        long tb = b.atT();
        useA = ta <= tb;
        if (useA) {
            penB = lastT != Long.MIN_VALUE ? 2 * (ta - lastT) : INITIAL_PENALTY_MS;
            penA = 0;
            lastT = ta;
        } else {
            penA = lastT != Long.MIN_VALUE ? 2 * (tb - lastT) : INITIAL_PENALTY_MS;
            penB = 0;
            lastT = tb;
        }
        return true;
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        if (!started && !next()) {
            return false;
        }
        while (atT() < t) {
            if (!next()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long atT() {
        return useA ? a.atT() : b.atT();
    }

    @Override
    public double atV() {
        return useA ? a.atV() : b.atV();
    }
}
