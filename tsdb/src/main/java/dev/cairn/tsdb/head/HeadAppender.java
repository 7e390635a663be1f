package dev.cairn.tsdb.head;

import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.record.RecordEncoder;
import dev.cairn.tsdb.record.SampleBatch;
import dev.cairn.tsdb.wal.Wal;

import java.io.IOException;
import java.util.Arrays;

/**
 * A batch of samples for a {@link Head}: {@link #append} checks and buffers, {@link #commit} logs the
 * batch to the WAL and then makes it visible, {@link #rollback} drops it. Series are created in the
 * head as soon as a sample names them (as in Prometheus), committed or not; a series that never
 * gets a sample is dropped at the next truncation.
 *
 * <p>Checks happen twice: at {@link #append}, against the series' committed samples and this
 * batch's previous sample for the same series (so a rejection is reported to the caller), and again
 * at commit, where a sample that lost a race with another appender, or that is out of order against
 * an earlier non-adjacent sample of the same batch, is dropped and counted.
 *
 * <p>Not thread-safe: one thread per appender. Reusable after commit or rollback; buffers are kept,
 * so a long-lived appender allocates nothing per sample once warm.
 */
public final class HeadAppender {
    /** Commit-time result beside MemSeries' codes: a block was cut over the sample's time meanwhile. */
    private static final int OUT_OF_BOUNDS = -1;

    private final Head head;
    private final HeadStats stats;
    private final RecordEncoder encoder = new RecordEncoder();

    private final SampleBatch samples = new SampleBatch(256);
    private MemSeries[] created = new MemSeries[16];
    private int createdCount;

    private boolean windowKnown;
    /** Oldest timestamp accepted; Long.MAX_VALUE until the batch's first sample learns the window. */
    private long minValid = Long.MAX_VALUE;

    /** The series and sample appended last, to check order within the batch cheaply. */
    private long lastId;
    private long lastT;
    private long lastVBits;
    private long lastRef;

    private final ByteWriter seriesRecord = new ByteWriter(1024);
    private final ByteWriter samplesRecord = new ByteWriter(4096);

    HeadAppender(Head head) {
        this.head = head;
        this.stats = head.stats;
    }

    /**
     * Checks and buffers one sample. Labels must be a valid set (sorted, unique names, non-empty
     * values); the head keeps an interned copy.
     *
     * @return {@link AppendResult#OK} when buffered (or an exact duplicate, silently dropped), else
     *         why it was rejected; rejections are counted in {@link HeadStats}
     */
    public AppendResult append(Labels labels, long t, double v) {
        return append(0, labels, t, v);
    }

    /**
     * As {@link #append(Labels, long, double)}, with the series reference a previous append returned
     * through {@link #ref()} (0 for none), as Prometheus's Appender.Append takes a SeriesRef: a valid
     * reference skips the lookup by labels (hash and string comparisons). A reference whose series
     * was removed since is ignored and the labels are used.
     */
    public AppendResult append(long ref, Labels labels, long t, double v) {
        // Shaped for the JIT: every rare case leaves through one branch into a method of its own,
        // which the launchers' compile commands (tsdb/src/main/jvm/hotspot_compiler) keep out of
        // line. What is left is small, so C2 compiles it quickly, and a rare case first taken late
        // (a rejection, a repeated series) recompiles only this, not the lookup, creation and
        // postings code a fully inlined version dragged along (~400 ms of C2 per recompile).
        lastRef = 0;
        long vBits = Double.doubleToRawLongBits(v);
        if (t < minValid && outOfWindow(t)) {
            return AppendResult.OUT_OF_BOUNDS;
        }
        // a valid reference names the series without comparing labels (ids are never reused), so a
        // scrape loop that passes references pays no label comparison per sample
        MemSeries s = ref > 0 ? head.series.byId(ref) : null;
        if (s == null) {
            s = lookupOrCreate(labels);
            if (s == null) {
                return AppendResult.EMPTY_LABELSET;
            }
        }
        lastRef = s.id;
        if (s.id == lastId) {
            return appendToLast(s, t, vBits);
        }
        int check;
        synchronized (s) {
            check = s.appendable(t, vBits);
            if (check == MemSeries.APPENDABLE) {
                s.setPendingCommit(true);
            }
        }
        if (check != MemSeries.APPENDABLE) {
            return rejected(check);
        }
        buffer(s, t, vBits);
        return AppendResult.OK;
    }

    /**
     * Whether {@code t} is before the appendable window; learns the window on a batch's first sample
     * ({@link #minValid} is Long.MAX_VALUE until then, so the caller's one comparison covers both).
     * Counts the rejection.
     */
    private boolean outOfWindow(long t) {
        if (!windowKnown) {
            long headMaxt = head.maxTime();
            // an empty head takes the first sample's time as its max, as Prometheus's initAppender does
            minValid = head.windowStart(headMaxt == Long.MIN_VALUE ? t : headMaxt);
            windowKnown = true;
            if (t >= minValid) {
                return false;
            }
        }
        stats.outOfBoundsSamples.increment();
        return true;
    }

    /** The series with these labels, created (and logged at commit) when new; null for an empty set. */
    private MemSeries lookupOrCreate(Labels labels) {
        // checked only here: with a valid reference the caller's labels are not even read
        if (labels.isEmpty()) {
            return null;
        }
        MemSeries last = lastId != 0 ? head.series.byId(lastId) : null;
        if (last != null && labels.equals(last.labels)) {
            return last;
        }
        MemSeries s = head.series.get(labels);
        if (s == null) {
            s = head.series.getOrCreate(head.symbols.intern(labels), this::onCreate);
        }
        return s;
    }

    /**
     * A second sample for the series of the previous one in this batch: checked against that
     * sample (the series' committed state knows nothing of it yet); no lock needed.
     */
    private AppendResult appendToLast(MemSeries s, long t, long vBits) {
        int check = MemSeries.order(t, vBits, lastT, lastVBits);
        if (check != MemSeries.APPENDABLE) {
            return rejected(check);
        }
        buffer(s, t, vBits);
        return AppendResult.OK;
    }

    private void buffer(MemSeries s, long t, long vBits) {
        // no object reference is kept per sample, only the id: under G1 a reference stored into
        // this long-lived appender costs a write barrier with a memory fence (the store is old to
        // old), several per sample before; the commit finds the series again by id (a few loads)
        samples.add(s.id, t, Double.longBitsToDouble(vBits));
        lastId = s.id;
        lastT = t;
        lastVBits = vBits;
    }

    /** The answer for a sample {@link MemSeries#appendable} refused (or an exact duplicate, dropped); counts it. */
    private AppendResult rejected(int check) {
        switch (check) {
            case MemSeries.EXACT_DUPLICATE -> {
                return AppendResult.OK;
            }
            case MemSeries.DUPLICATE -> {
                stats.duplicateSamples.increment();
                return AppendResult.DUPLICATE;
            }
            default -> {
                stats.outOfOrderSamples.increment();
                return AppendResult.OUT_OF_ORDER;
            }
        }
    }

    /** Called under the stripe lock when this appender's sample creates a series. */
    private void onCreate(MemSeries s) {
        s.setPendingCommit(true); // keeps truncation from dropping it before the commit
        head.postings.add(s.id, s.labels);
        head.stats.seriesCreated.increment();
        if (createdCount == created.length) {
            created = Arrays.copyOf(created, createdCount * 2);
        }
        created[createdCount++] = s;
    }

    /**
     * The head's reference of the series the last {@link #append} went to (also when the sample was
     * rejected as out of order or duplicate), or 0 when it was rejected before the series was looked up.
     * Valid for as long as the series stays in the head; pass it back to {@link #append(long, Labels, long, double)}.
     */
    public long ref() {
        return lastRef;
    }

    /** Samples buffered and not yet committed. */
    public int pending() {
        return samples.size();
    }

    /**
     * Logs the new series and the buffered samples to the WAL (waiting as its sync policy says), then
     * applies the samples. When this returns, the batch is visible to new queriers and as durable as
     * the policy promises.
     *
     * @return the number of samples applied (fewer than buffered when some lost a race, see above)
     * @throws IOException if the WAL failed; nothing of the batch was applied, and the head must be
     *         treated as failed (the WAL accepts nothing more)
     */
    public int commit() throws IOException {
        // held from the WAL write to the last sample applied: see CommitGate (head snapshots)
        head.commitGate.enterCommit();
        try {
            return logAndApply();
        } finally {
            head.commitGate.exitCommit();
        }
    }

    private int logAndApply() throws IOException {
        try {
            logToWal(true);
        } catch (IOException | RuntimeException e) {
            clearPending();
            reset();
            throw e;
        }
        int applied = applyBuffered();
        clearPendingCreated();
        reset();
        return applied;
    }

    /**
     * Applies the buffered samples to their series, in their own method so that the JIT compiles
     * this loop apart from the WAL write (file channel, buffers, checksums) before it: a rare branch
     * first taken late in either then recompiles only one of the two.
     */
    private int applyBuffered() {
        int n = samples.size();
        int applied = 0;
        long chunkRange = head.options.chunkRange();
        int perChunk = head.options.samplesPerChunk();
        ChunkStore store = head.chunks;
        StripeSeries series = head.series;
        long bMin = Long.MAX_VALUE;
        long bMax = Long.MIN_VALUE;
        long cuts = 0;
        for (int i = 0; i < n; i++) {
            MemSeries s = series.byId(samples.ref(i));
            if (s == null) {
                // cannot happen: truncation keeps a series while a sample for it is pending
                continue;
            }
            long t = samples.t(i);
            long vBits = Double.doubleToRawLongBits(samples.v(i));
            int check;
            synchronized (s) {
                // read under the series lock: a block cut raises min valid time before it snapshots
                // the series under the same lock, so a sample is either in that snapshot or refused
                check = t < head.minValidTime() ? OUT_OF_BOUNDS : s.appendable(t, vBits);
                if (check == MemSeries.APPENDABLE && s.append(t, vBits, chunkRange, perChunk, store)) {
                    cuts++;
                }
                s.setPendingCommit(false);
            }
            if (check == MemSeries.APPENDABLE) {
                applied++;
                bMin = Math.min(bMin, t);
                bMax = Math.max(bMax, t);
            } else {
                countRefusedAtCommit(check);
            }
        }
        if (applied > 0) {
            head.observeTimes(bMin, bMax);
        }
        stats.samplesAppended.add(applied);
        stats.chunksCreated.add(cuts);
        return applied;
    }

    private void countRefusedAtCommit(int check) {
        if (check == OUT_OF_BOUNDS) {
            stats.outOfBoundsSamples.increment();
        } else if (check == MemSeries.DUPLICATE) {
            stats.duplicateSamples.increment();
        } else if (check == MemSeries.OUT_OF_ORDER) {
            stats.outOfOrderSamples.increment();
        }
    }

    /**
     * Drops the buffered samples. Series this appender created stay in the head and are still
     * logged (without samples), so later samples of theirs in the WAL have a series record to refer
     * to, as in Prometheus.
     */
    public void rollback() throws IOException {
        try {
            logToWal(false);
        } finally {
            clearPending();
            reset();
        }
    }

    private void logToWal(boolean withSamples) throws IOException {
        Wal wal = head.wal();
        if (wal == null) {
            return;
        }
        boolean hasSeries = createdCount > 0;
        boolean hasSamples = withSamples && samples.size() > 0;
        if (!hasSeries && !hasSamples) {
            return;
        }
        // the records go to the WAL straight from the reused writers: no copy per commit
        if (hasSeries) {
            seriesRecord.reset();
            encoder.seriesHeader(seriesRecord);
            for (int i = 0; i < createdCount; i++) {
                encoder.seriesEntry(created[i].id, created[i].labels, seriesRecord);
            }
        }
        if (hasSamples) {
            samplesRecord.reset();
            encoder.samples(samples, samplesRecord);
        }
        if (hasSeries && hasSamples) {
            wal.log(seriesRecord, samplesRecord);
        } else {
            wal.log(hasSeries ? seriesRecord : samplesRecord);
        }
    }

    private void clearPending() {
        for (int i = 0; i < samples.size(); i++) {
            MemSeries s = head.series.byId(samples.ref(i));
            if (s != null) {
                synchronized (s) {
                    s.setPendingCommit(false);
                }
            }
        }
        clearPendingCreated();
    }

    private void clearPendingCreated() {
        for (int i = 0; i < createdCount; i++) {
            MemSeries s = created[i];
            synchronized (s) {
                s.setPendingCommit(false);
            }
        }
    }

    private void reset() {
        Arrays.fill(created, 0, createdCount, null);
        samples.clear();
        createdCount = 0;
        windowKnown = false;
        minValid = Long.MAX_VALUE;
        lastId = 0;
    }
}
