package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.chunk.ChunkIterator;

/**
 * Thanos's ApplyCounterResetsSeriesIterator: walks the counter samples of consecutive chunks (raw, or
 * counter aggregates) and yields a series that never decreases, so rate/increase see the true growth.
 *
 * <p>A counter aggregate starts with the first raw value of its chunk and ends with the chunk's last
 * raw value stored again at the timestamp of the last window. That repeated timestamp is not a sample:
 * it tells this iterator the true last value, so that a reset between two chunks (next chunk's first
 * raw value below the previous chunk's last raw value) is recognised and the right delta added. NaN
 * values are skipped; samples going back in time (overlapping chunks) are dropped.
 *
 * <p>Resets are hidden from the caller: PromQL's {@code resets()} cannot be answered from this.
 * {@link #seek} steps with {@link #next} so that no reset is missed. Not thread-safe.
 */
public final class CounterResetsIterator implements ChunkIterator {
    private final ChunkIterator[] chunks;
    private int i;
    private long total;
    private long lastT;
    private double lastV;
    private double totalV;
    private boolean done;

    public CounterResetsIterator(ChunkIterator... chunks) {
        this.chunks = chunks;
    }

    @Override
    public boolean next() {
        while (i < chunks.length) {
            ChunkIterator it = chunks[i];
            if (!it.next()) {
                i++;
                continue;
            }
            long t = it.atT();
            double v = it.atV();
            if (Double.isNaN(v)) {
                continue;
            }
            if (total == 0) {
                total++;
                lastT = t;
                lastV = v;
                totalV = v;
                return true;
            }
            if (t > lastT) {
                totalV += v >= lastV ? v - lastV : v;
                lastT = t;
                lastV = v;
                total++;
                return true;
            }
            if (t == lastT) {
                // The repeated last timestamp of a counter aggregate: the chunk's true last raw value.
                lastV = v;
            }
        }
        done = true;
        return false;
    }

    @Override
    public boolean seek(long t) {
        if (total > 0 && lastT >= t) {
            return !done;
        }
        while (next()) {
            if (lastT >= t) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long atT() {
        return lastT;
    }

    /** The counter with all resets before this sample added back. */
    @Override
    public double atV() {
        return totalV;
    }

    /** The raw value of the last sample read (the true last raw value once a chunk's end marker was read). */
    public double lastRawValue() {
        return lastV;
    }
}
