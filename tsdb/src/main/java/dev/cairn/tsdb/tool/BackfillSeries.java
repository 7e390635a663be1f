package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.BlockChunk;
import dev.cairn.tsdb.block.ChunkCutter;
import dev.cairn.tsdb.labels.Labels;

import java.util.ArrayList;
import java.util.List;

/**
 * One series of a backfill window, as Prometheus 2.42's head holds it while promtool's block
 * writer appends to it (tsdb/head_append.go):
 *
 * <ul>
 *   <li>the appender checks each sample against the series' last <em>committed</em> sample only
 *       ({@code memSeries.appendable}, out-of-order ingestion off): older is an "out of order"
 *       error, the same time with other value bits a "duplicate sample" error;</li>
 *   <li>the commit then appends in order and silently drops a sample not after the series' last
 *       one ({@code appendPreprocessor}), which is what happens to disorder within one batch;</li>
 *   <li>chunks are cut where the head cuts them ({@link ChunkCutter}, with the head's chunk range
 *       of twice the block duration).</li>
 * </ul>
 * Chunks are encoded as samples arrive (about 1–2 bytes a sample), as the head holds them.
 */
final class BackfillSeries {
    final Labels labels;
    private final List<BlockChunk> chunks = new ArrayList<>(2);
    private final ChunkCutter cutter;

    // Committed state: what the appender checks new samples against.
    private boolean committedAny;
    long committedMaxT;
    private long committedLastBits;
    boolean inBatch;

    // Live state after the samples appended so far.
    private boolean any;
    private long lastT;
    private double lastV;

    BackfillSeries(Labels labels, long chunkRange) {
        this.labels = labels;
        this.cutter = new ChunkCutter(chunkRange, chunks::add);
    }

    /** Outcome of the appender's check of a sample against committed data. */
    enum Check { OK, OUT_OF_ORDER, DUPLICATE }

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
        if (any && t <= lastT) {
            return false;
        }
        cutter.append(t, v);
        any = true;
        lastT = t;
        lastV = v;
        return true;
    }

    /** Makes the live state the committed one (end of an appender batch). */
    void commit() {
        committedAny = any;
        committedMaxT = lastT;
        committedLastBits = Double.doubleToRawLongBits(lastV);
        inBatch = false;
    }

    /** The series' chunks, the open one closed; call once, after the last append. */
    List<BlockChunk> finish() {
        cutter.finish();
        return chunks;
    }
}
