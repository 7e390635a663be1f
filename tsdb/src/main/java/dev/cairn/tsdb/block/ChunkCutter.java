package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;

import java.util.function.Consumer;

/**
 * Cuts one series' samples into XOR chunks where Prometheus's head would (tsdb/head_append.go,
 * memSeries.appendPreprocessor, 2.42), so blocks Cairn writes hold the same chunks as blocks
 * {@code promtool tsdb create-blocks-from} writes from the same samples:
 * <ul>
 *   <li>a chunk starts with a deadline {@code nextAt}: the end of the {@code chunkRange}-aligned
 *       window its first sample is in ({@code rangeForTimestamp});</li>
 *   <li>when a chunk holds 30 samples (a quarter of the 120 aimed for), the deadline moves earlier so
 *       the rest of the window splits into chunks of about equal span ({@code computeChunkEndTime});</li>
 *   <li>a sample at or past the deadline, or a chunk already holding 240 samples, starts a new chunk.</li>
 * </ul>
 * So chunks hold about 120 samples for regular series, never more than 240, and never cross a
 * {@code chunkRange} boundary. promtool's block writer runs its head with {@code chunkRange} = twice
 * the block duration (4h for 2h blocks): {@link #PROMTOOL_CHUNK_RANGE}.
 *
 * <p>Timestamps must strictly increase. Not thread-safe; reusable after {@link #finish()}.
 */
public final class ChunkCutter {
    /** Prometheus aims for 120 samples per chunk (near-optimal XOR compression, bounded decode cost). */
    public static final int SAMPLES_PER_CHUNK = 120;
    /** The head chunk range of promtool's backfill for 2h blocks: 2 × 2h. */
    public static final long PROMTOOL_CHUNK_RANGE = 4 * 3600 * 1000L;

    private final long chunkRange;
    private final Consumer<BlockChunk> sink;
    private XorChunk chunk;
    private XorAppender app;
    private long minT;
    private long maxT;
    private long nextAt;
    private long samples;

    /** @param sink receives each finished chunk, in time order */
    public ChunkCutter(long chunkRange, Consumer<BlockChunk> sink) {
        if (chunkRange <= 0) {
            throw new IllegalArgumentException("chunk range must be positive, got " + chunkRange);
        }
        this.chunkRange = chunkRange;
        this.sink = sink;
    }

    /** Appends one sample; {@code t} must be greater than the previous one. */
    public void append(long t, double v) {
        if (chunk == null) {
            cut(t);
        } else {
            if (t <= maxT) {
                throw new IllegalArgumentException("sample at " + t + " is not after the previous one at " + maxT
                        + "; a series' samples must strictly increase in time");
            }
            int n = app.numSamples();
            if (n == SAMPLES_PER_CHUNK / 4) {
                nextAt = computeChunkEndTime(minT, maxT, nextAt);
            }
            if (t >= nextAt || n >= SAMPLES_PER_CHUNK * 2) {
                emit();
                cut(t);
            }
        }
        app.append(t, v);
        maxT = t;
        samples++;
    }

    /** Appends every sample of {@code it}. */
    public void appendAll(ChunkIterator it) {
        while (it.next()) {
            append(it.atT(), it.atV());
        }
    }

    /** Emits the open chunk, if any; the cutter then starts afresh. Returns the samples appended since the last finish. */
    public long finish() {
        if (chunk != null) {
            emit();
        }
        chunk = null;
        app = null;
        long n = samples;
        samples = 0;
        return n;
    }

    private void cut(long t) {
        chunk = new XorChunk();
        app = chunk.appender();
        minT = t;
        nextAt = rangeForTimestamp(t, chunkRange);
    }

    private void emit() {
        sink.accept(new BlockChunk(minT, maxT, chunk));
    }

    /** End of the {@code width}-aligned window holding {@code t}, with Go's truncating division. */
    static long rangeForTimestamp(long t, long width) {
        return (t / width) * width + width;
    }

    /**
     * Prometheus's computeChunkEndTime: a chunk from {@code start} that reached its quarter at
     * {@code cur} should end where the remaining window to {@code max} splits into equal chunks.
     */
    static long computeChunkEndTime(long start, long cur, long max) {
        long n = (max - start) / ((cur - start + 1) * 4);
        if (n <= 1) {
            return max;
        }
        return start + (max - start) / n;
    }
}
