package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.List;

/**
 * One series of a backfill window, cut into chunks exactly as Prometheus 2.42's head cuts them
 * when promtool's block writer appends to it ({@code memSeries.appendPreprocessor}):
 *
 * <ul>
 *   <li>a chunk never crosses a multiple of the head's chunk range (twice the block duration:
 *       promtool's writer pretends the block is twice as large);</li>
 *   <li>when a chunk holds 30 samples (a quarter of the 120 target) its end is re-estimated so the
 *       rest of the range splits into equal chunks ({@code computeChunkEndTime});</li>
 *   <li>a chunk is cut at that end, or after 240 samples whatever the time;</li>
 *   <li>a sample at or before the last one of the series is dropped silently (the head's commit
 *       does that); the appender, which only sees committed samples, rejects it with an error
 *       when it is older than, or a different value at the same time as, the last committed one.</li>
 * </ul>
 *
 * Chunks are encoded as samples arrive (about 1–2 bytes a sample), as the head holds them.
 */
final class BackfillSeries {
    static final int SAMPLES_PER_CHUNK = 120;

    final Labels labels;
    private final long chunkRange;

    // Committed state: what the head's appender checks new samples against.
    boolean committedAny;
    long committedMaxT;
    long committedLastBits;
    boolean inBatch;

    // Live state: the open chunk and the series' chunk-cutting horizon.
    private boolean hasChunk;
    private long chunkMinT;
    private long chunkMaxT;
    private long nextAt;
    private XorChunk chunk;
    private XorAppender app;
    private int n;
    private double lastV;

    private final List<EncodedChunk> chunks = new ArrayList<>(2);
    private long samples;

    BackfillSeries(Labels labels, long chunkRange) {
        this.labels = labels;
        this.chunkRange = chunkRange;
    }

    /** Outcome of the appender's check of a sample against committed data. */
    enum Check { OK, OUT_OF_ORDER, DUPLICATE }

    /** headAppender.Append's check ({@code memSeries.appendable} with out-of-order ingestion off). */
    Check check(long t, double v) {
        if (!committedAny || t > committedMaxT) {
            return Check.OK;
        }
        if (t == committedMaxT) {
            return Double.doubleToRawLongBits(v) == committedLastBits ? Check.OK : Check.DUPLICATE;
        }
        return Check.OUT_OF_ORDER;
    }

    /** Commit-time append; false when the sample was dropped as not after the series' last one. */
    boolean append(long t, double v) {
        if (hasChunk && t <= chunkMaxT) {
            return false;
        }
        if (!hasChunk) {
            cut(t);
        }
        if (n == SAMPLES_PER_CHUNK / 4) {
            nextAt = computeChunkEndTime(chunkMinT, chunkMaxT, nextAt);
        }
        if (t >= nextAt || n >= SAMPLES_PER_CHUNK * 2) {
            cut(t);
        }
        app.append(t, v);
        n++;
        chunkMaxT = t;
        lastV = v;
        samples++;
        return true;
    }

    /** Makes the live state the committed one (end of an appender batch). */
    void commit() {
        committedAny = hasChunk;
        committedMaxT = chunkMaxT;
        committedLastBits = Double.doubleToRawLongBits(lastV);
        inBatch = false;
    }

    private void cut(long mint) {
        finishChunk();
        hasChunk = true;
        chunkMinT = mint;
        chunkMaxT = Long.MIN_VALUE;
        nextAt = rangeForTimestamp(mint, chunkRange);
        chunk = new XorChunk();
        app = chunk.appender();
    }

    private void finishChunk() {
        if (hasChunk && n > 0) {
            chunks.add(new EncodedChunk(chunk, chunkMinT, chunkMaxT));
        }
        n = 0;
        chunk = null;
        app = null;
    }

    /** The series' chunks, the open one closed; call once, after the last append. */
    List<EncodedChunk> finish() {
        finishChunk();
        hasChunk = false;
        return chunks;
    }

    long samples() {
        return samples;
    }

    static long rangeForTimestamp(long t, long width) {
        return (t / width) * width + width;
    }

    /** Prometheus's estimate of where to end a chunk that holds a quarter of its target samples. */
    static long computeChunkEndTime(long start, long cur, long max) {
        long n = (max - start) / ((cur - start + 1) * 4);
        if (n <= 1) {
            return max;
        }
        return start + (max - start) / n;
    }
}
