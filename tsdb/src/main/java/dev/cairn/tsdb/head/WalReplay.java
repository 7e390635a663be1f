package dev.cairn.tsdb.head;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.record.RecordDecoder;
import dev.cairn.tsdb.record.RefSeries;
import dev.cairn.tsdb.record.SampleBatch;
import dev.cairn.tsdb.fs.Disk;
import dev.cairn.tsdb.wal.SegmentReader;
import dev.cairn.tsdb.wal.Segments;
import dev.cairn.tsdb.wal.TornTail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds a head from its WAL: the newest checkpoint, then the segments after it, in order.
 * Series records recreate series under their logged ids (so samples records, which name series by
 * id, find them); samples are applied with the same rules as live appends, except the head window,
 * which a replay does not apply (Prometheus neither): only samples before the head's
 * {@link Head#minValidTime()} — already in a block — are skipped.
 *
 * <p>A torn tail (the last segment cut mid-record by a crash) ends the replay: what follows it was
 * never acknowledged. Samples naming a series id with no series record are counted and skipped
 * (Prometheus does the same); a second series record for labels already present maps its id to
 * the existing series, which happens when a series was dropped and recreated between checkpoints.
 *
 * <p>A series created here first gets its full chunks from {@code chunks_head/}
 * ({@link Head#attachMmapped}); its max time is then theirs, so the WAL samples they hold fall
 * out as not newer than the series' newest, and only the open chunk is re-encoded.
 */
final class WalReplay {
    private WalReplay() {
    }

    /** What a replay found. */
    record Stats(long records, long seriesRecords, long samples, long samplesSkipped, long unknownRefs,
                 TornTail tornTail) {
        @Override
        public String toString() {
            return records + " records, " + seriesRecords + " series, " + samples + " samples applied, "
                    + samplesSkipped + " skipped (before min valid time, out of order or duplicate), "
                    + unknownRefs + " for unknown series" + (tornTail == null ? "" : ", torn tail at " + tornTail);
        }
    }

    static Stats replay(Head head, Path walDir) throws IOException {
        return replay(head, walDir, -1);
    }

    /**
     * Replays the checkpoint and every segment when {@code afterSegment} is negative; else only the
     * segments after {@code afterSegment} (what a head snapshot does not hold).
     */
    static Stats replay(Head head, Path walDir, int afterSegment) throws IOException {
        return replay(head, walDir, afterSegment, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * As {@link #replay(Head, Path, int)}, applying samples on {@code shards} threads (1: on the
     * calling thread). The calling thread reads and decodes records and creates series; samples go
     * to the shard of their series ({@code id % shards}), so each series still gets its samples in
     * WAL order, while XOR encoding, the bulk of the work, runs in parallel (as Prometheus's
     * loadWAL shards samples by series ref).
     */
    static Stats replay(Head head, Path walDir, int afterSegment, int shards) throws IOException {
        if (!Files.isDirectory(walDir)) {
            return new Stats(0, 0, 0, 0, 0, null);
        }
        if (afterSegment >= 0) {
            int[] segs = Segments.list(Disk.local(), walDir);
            if (segs.length == 0 || segs[segs.length - 1] <= afterSegment) {
                // a clean stop: the snapshot holds everything (and the passes below cost a look at
                // every series)
                return new Stats(0, 0, 0, 0, 0, null);
            }
        }
        RecordDecoder decoder = new RecordDecoder(head.symbols);
        List<RefSeries> series = new ArrayList<>();
        SampleBatch batch = new SampleBatch(1024);
        Map<Long, MemSeries> aliases = new HashMap<>();
        long records = 0;
        long seriesCount = 0;
        long unknown = 0;
        Applier[] appliers = new Applier[Math.max(1, shards)];
        for (int i = 0; i < appliers.length; i++) {
            appliers[i] = new Applier(head, appliers.length > 1);
        }
        // postings are added after the replay, in id order: series records of concurrent appenders
        // come out of id order, and each out-of-order add copies a whole postings list
        List<MemSeries> created = new ArrayList<>();
        // per series id, the newest time its chunks from chunks_head hold: samples up to it are
        // dropped here, before they are handed to a shard (most of a WAL, after a crash)
        long maxRef = head.mmapped == null ? 0 : Math.max(head.mmapped.maxSeriesRef(), head.series.nextId() - 1);
        long[] inChunks = maxRef > 0 && maxRef < (1 << 26) ? new long[(int) maxRef + 1] : null;
        if (inChunks != null) {
            java.util.Arrays.fill(inChunks, Long.MIN_VALUE);
            // series loaded from a snapshot: samples up to their newest (in the snapshot or in chunks
            // cut after it) are not applied again, so drop them here rather than on a shard
            head.series.forEachById(s -> {
                if (s.id < inChunks.length) {
                    synchronized (s) {
                        inChunks[(int) s.id] = s.maxTime();
                    }
                }
            });
        }
        long inChunksSkipped = 0;
        TornTail torn;
        try (SegmentReader r = afterSegment < 0 ? SegmentReader.openForReplay(walDir)
                : SegmentReader.open(walDir, afterSegment + 1, -1)) {
            while (r.next()) {
                records++;
                ByteReader rec = r.recordReader();
                switch (RecordDecoder.type(rec)) {
                    case SERIES -> {
                        series.clear();
                        decoder.series(rec, series);
                        for (RefSeries rs : series) {
                            MemSeries s = head.series.createWithId(rs.ref(), rs.labels(), m -> {
                                created.add(m);
                                head.stats.seriesCreated.increment();
                                long upTo = head.attachMmapped(m);
                                if (inChunks != null && m.id < inChunks.length) {
                                    inChunks[(int) m.id] = upTo;
                                }
                            });
                            if (s.id != rs.ref()) {
                                aliases.put(rs.ref(), s);
                            }
                            seriesCount++;
                        }
                    }
                    case SAMPLES -> {
                        decoder.samples(rec, batch);
                        for (int i = 0; i < batch.size(); i++) {
                            long ref = batch.ref(i);
                            MemSeries s = head.series.byId(ref);
                            if (s == null && !aliases.isEmpty()) {
                                s = aliases.get(ref);
                            }
                            if (s == null) {
                                unknown++;
                                continue;
                            }
                            long t = batch.t(i);
                            if (inChunks != null && s.id < inChunks.length && t <= inChunks[(int) s.id]) {
                                inChunksSkipped++;
                                continue;
                            }
                            appliers[(int) (s.id % appliers.length)].add(s, t, batch.v(i));
                        }
                    }
                    default -> {
                        // tombstones (Cairn deletes nothing from a head yet), exemplars, metadata,
                        // histograms: not data this head holds
                    }
                }
            }
            torn = r.tornTail();
        } finally {
            for (Applier a : appliers) {
                a.finish();
            }
            created.sort((x, y) -> Long.compare(x.id, y.id));
            for (MemSeries m : created) {
                head.postings.add(m.id, m.labels);
            }
        }
        long applied = 0;
        long skipped = inChunksSkipped;
        long bMin = Long.MAX_VALUE;
        long bMax = Long.MIN_VALUE;
        for (Applier a : appliers) {
            a.rethrow();
            applied += a.applied;
            skipped += a.skipped;
            bMin = Math.min(bMin, a.bMin);
            bMax = Math.max(bMax, a.bMax);
            head.stats.chunksCreated.add(a.cuts);
        }
        if (applied > 0) {
            head.observeTimes(bMin, bMax);
        }
        head.stats.samplesAppended.add(applied);
        return new Stats(records, seriesCount, applied, skipped, unknown, torn);
    }

    /**
     * Applies the samples of one shard of series, on its own thread or (unthreaded) on the caller's.
     * Batches travel through a small queue and come back through a free list, so a replay allocates
     * a handful of arrays however long the WAL.
     */
    private static final class Applier {
        private static final int BATCH = 4096;
        private static final Batch POISON = new Batch();

        private static final class Batch {
            final MemSeries[] series = new MemSeries[BATCH];
            final long[] t = new long[BATCH];
            final long[] vBits = new long[BATCH];
            int size;
        }

        private final Head head;
        private final long minValid;
        private final long chunkRange;
        private final int perChunk;
        private final ChunkStore store;
        private final BlockingQueue<Batch> full;
        private final BlockingQueue<Batch> free;
        private final Thread thread;
        private Batch current = new Batch();
        private volatile Throwable failure;
        long applied;
        long skipped;
        long cuts;
        long bMin = Long.MAX_VALUE;
        long bMax = Long.MIN_VALUE;

        Applier(Head head, boolean threaded) {
            this.head = head;
            this.minValid = head.minValidTime();
            this.chunkRange = head.options.chunkRange();
            this.perChunk = head.options.samplesPerChunk();
            this.store = head.chunks;
            if (threaded) {
                full = new ArrayBlockingQueue<>(8);
                free = new ArrayBlockingQueue<>(8);
                for (int i = 0; i < 6; i++) {
                    free.add(new Batch());
                }
                thread = new Thread(this::run, "cairn-wal-replay");
                thread.setDaemon(true);
                thread.start();
            } else {
                full = null;
                free = null;
                thread = null;
            }
        }

        void add(MemSeries s, long t, double v) throws IOException {
            Batch b = current;
            b.series[b.size] = s;
            b.t[b.size] = t;
            b.vBits[b.size] = Double.doubleToRawLongBits(v);
            if (++b.size == BATCH) {
                hand(b);
            }
        }

        private void hand(Batch b) throws IOException {
            if (thread == null) {
                apply(b);
                return;
            }
            try {
                while (!full.offer(b, 100, TimeUnit.MILLISECONDS)) {
                    if (failure != null || !thread.isAlive()) {
                        rethrow();
                        throw new IOException("WAL replay shard thread ended early");
                    }
                }
                current = free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during WAL replay", e);
            }
        }

        private void run() {
            try {
                while (true) {
                    Batch b = full.take();
                    if (b == POISON) {
                        return;
                    }
                    apply(b);
                    free.put(b);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void apply(Batch b) {
            for (int i = 0; i < b.size; i++) {
                MemSeries s = b.series[i];
                long t = b.t[i];
                b.series[i] = null;
                if (t < minValid) {
                    skipped++;
                    continue;
                }
                long vBits = b.vBits[i];
                synchronized (s) {
                    if (s.appendable(t, vBits) != MemSeries.APPENDABLE) {
                        skipped++;
                        continue;
                    }
                    if (s.append(t, vBits, chunkRange, perChunk, store)) {
                        cuts++;
                    }
                }
                applied++;
                if (t < bMin) {
                    bMin = t;
                }
                if (t > bMax) {
                    bMax = t;
                }
            }
            b.size = 0;
        }

        /** Applies what is buffered and waits for the thread; the counters are then final. */
        void finish() throws IOException {
            if (thread == null) {
                apply(current);
                return;
            }
            try {
                if (failure == null && current.size > 0) {
                    while (!full.offer(current, 100, TimeUnit.MILLISECONDS)) {
                        if (failure != null || !thread.isAlive()) {
                            break;
                        }
                    }
                }
                while (thread.isAlive() && !full.offer(POISON, 100, TimeUnit.MILLISECONDS)) {
                    // the thread drains the queue unless it failed
                }
                thread.join();
            } catch (InterruptedException e) {
                thread.interrupt();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during WAL replay", e);
            }
        }

        void rethrow() throws IOException {
            Throwable f = failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error er) {
                throw er;
            }
            if (f != null) {
                throw new IOException("WAL replay failed", f);
            }
        }
    }
}
