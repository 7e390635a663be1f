package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.ThanosFile;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNotFoundException;
import dev.cairn.tsdb.compact.Compactor;
import dev.cairn.tsdb.downsample.DownsamplePlanner;
import dev.cairn.tsdb.downsample.Downsampler;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.ship.BlockDeletion;
import dev.cairn.tsdb.ship.DeletionMark;
import dev.cairn.tsdb.ship.Download;
import dev.cairn.tsdb.ship.MetaFetcher;
import dev.cairn.tsdb.ship.Upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/*
 * One run of the compactor over a bucket, in Thanos's order (cmd/thanos/compact.go):
 *
 *   sync      MetaFetcher lists complete blocks; per block one listing of its directory finds its
 *             deletion mark and no-compact mark. Blocks marked for deletion are out of play at once
 *             (Thanos waits delete_delay/2; we never want to merge a block we already replaced), and so
 *             is a block whose sources another block of its group already covers (Thanos's deduplicate
 *             filter: the sources of a compaction whose marking step failed); such a block is then
 *             marked for deletion (Thanos's GarbageCollect).
 *   compact   per group (external labels, resolution): plan (LeveledPlanner), check disk, download,
 *             verify, Compactor, upload (meta.json last), mark the sources for deletion; re-plan until
 *             nothing is due.
 *   downsample DownsamplePlanner's jobs (raw ≥ 40h → 5m, 5m ≥ 10d → 1h); sources stay (retention ends them).
 *   retention per resolution; expired blocks get a deletion mark.
 *   gc        blocks whose deletion mark is older than delete_delay are deleted (meta.json first), and
 *             partial uploads older than 48h (Thanos's PartialUploadThresholdAge) too.
 *   clean     the scratch directory is emptied, whatever happened.
 *
 * Halting (Thanos halts on "halt errors" and retries others; we halt on every failure, because an
 * appliance has nobody watching a retry loop and a silent retry hides a full disk or a broken bucket):
 * any bucket error, a failed compaction or downsampling, too little disk, or an unexpected exception ends
 * the run with CompactorHaltedException. What was done before stays done; a half-uploaded result is
 * deleted again (best effort; a leftover without meta.json is invisible and GC'd after 48h). Sources are
 * marked only after their result is whole in the bucket, so no failure loses samples.
 *
 * Corrupt blocks are not a reason to halt: a meta.json that does not parse is left out by the fetcher
 * (Thanos does the same); a block whose index or chunks fail verification after download gets Thanos's
 * no-compact-mark.json (what --compact.skip-block-with-out-of-order-chunks does, which Thanos users are
 * told to turn on) and is left out of compaction and downsampling, still served as it is. Both are
 * counted (cairn_compactor_corrupt_blocks_total) and logged with the block and the fault. Overlapping
 * blocks are not a reason either: we always compact them vertically (Thanos halts on overlaps only
 * when vertical compaction is off).
 */

/**
 * The compactor of a bucket: one {@link #runOnce} compacts, downsamples, applies retention and deletes
 * expired blocks. Not thread-safe: one thread runs it ({@link CompactorRunner}); {@link #status} may be
 * read from any thread.
 */
public final class BucketCompactor {
    private static final System.Logger LOG = System.getLogger(BucketCompactor.class.getName());
    /** Thanos's PartialUploadThresholdAge: an upload unfinished for this long is abandoned. */
    static final Duration PARTIAL_UPLOAD_AGE = Duration.ofHours(48);
    /** Bound on compactions of one group in one run (each is a real job; this only stops a planner bug). */
    private static final int MAX_JOBS_PER_GROUP = 10_000;

    private final Bucket bucket;
    private final CompactorConfig config;
    private final CompactorStatus status;
    private final Clock clock;
    private final FreeSpace freeSpace;
    private final BucketLock lock;
    private final MetaFetcher fetcher;
    private final LeveledPlanner planner;
    private final Set<Ulid> reportedCorrupt = new HashSet<>();

    /**
     * @param lock null for a bucket that only this compactor uses (no lock object is written)
     */
    BucketCompactor(Bucket bucket, CompactorConfig config, CompactorStatus status, Clock clock, FreeSpace freeSpace,
                    BucketLock lock) {
        this.bucket = bucket;
        this.config = config;
        this.status = status;
        this.clock = clock;
        this.freeSpace = freeSpace;
        this.lock = lock;
        this.fetcher = new MetaFetcher(bucket, 8);
        List<Long> ranges = new ArrayList<>();
        config.ranges().forEach(d -> ranges.add(d.toMillis()));
        this.planner = new LeveledPlanner(ranges);
    }

    /** A compactor that takes the bucket lock ({@link BucketLock}) before each run. */
    public static BucketCompactor create(Bucket bucket, CompactorConfig config, Clock clock, FreeSpace freeSpace) {
        return new BucketCompactor(bucket, config, new CompactorStatus(), clock, freeSpace,
                new BucketLock(bucket, config.lockHolder(), config.lockStaleAfter(), clock));
    }

    public CompactorStatus status() {
        return status;
    }

    CompactorConfig config() {
        return config;
    }

    /** Thrown inside a run when another compactor took the lock: the run stops, not a failure. */
    private static final class LockLost extends Exception {
        LockLost(String holder) {
            super("the bucket lock " + BucketLock.OBJECT + " is held by " + holder, null, false, false);
        }
    }

    /**
     * One run. Returns normally when it finished or another compactor holds the lock.
     *
     * @throws CompactorHaltedException on any failure; the status is then halted with the reason
     */
    public void runOnce() throws CompactorHaltedException {
        status.runs.incrementAndGet();
        try {
            if (lock != null) {
                BucketLock.Holder other = lock.tryAcquire();
                if (other != null) {
                    status.lockLost.incrementAndGet();
                    status.lockHolder(other.holder(), false);
                    LOG.log(System.Logger.Level.INFO, "compactor: bucket " + bucket.name() + " is compacted by "
                            + other.holder() + " (lock heartbeat " + other.heartbeat() + "); skipping this run");
                    return;
                }
                status.lockHolder(config.lockHolder(), true);
            } else {
                status.lockHolder(config.lockHolder(), true);
            }
            run();
            status.succeeded(clock.instant());
        } catch (LockLost e) {
            status.lockLost.incrementAndGet();
            status.lockHolder("", false);
            LOG.log(System.Logger.Level.WARNING, "compactor: " + e.getMessage() + " now; stopping this run");
        } catch (CompactorHaltedException e) {
            throw halt(e);
        } catch (IOException e) {
            throw halt(new CompactorHaltedException("bucket " + bucket.name() + ": " + e.getMessage()
                    + ". Check that the bucket is reachable and writable (credentials, network, quota, disk of a"
                    + " filesystem bucket), then restart the appliance or resume the compactor", e));
        } catch (RuntimeException | Error e) {
            throw halt(new CompactorHaltedException("unexpected " + e + " while compacting bucket " + bucket.name()
                    + ". This is a bug or a block Cairn cannot handle: report it with this log; meanwhile mark the"
                    + " block named above with no-compact-mark.json to let the compactor go on", e));
        } finally {
            try {
                cleanScratch();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "compactor: clean scratch directory " + config.scratchDir()
                        + ": " + e.getMessage());
            }
        }
    }

    private CompactorHaltedException halt(CompactorHaltedException e) {
        status.failures.incrementAndGet();
        status.halt(e.getMessage());
        LOG.log(System.Logger.Level.ERROR, "COMPACTOR HALTED — compaction, downsampling, retention and deletion of"
                + " bucket " + bucket.name() + " have stopped until an operator acts (queries and ingestion go on): "
                + e.getMessage(), e);
        return e;
    }

    /** A block in the bucket and its markers. */
    private record Entry(BlockMeta meta, Instant deletionMark, boolean noCompact) {
    }

    private void run() throws IOException, CompactorHaltedException, LockLost {
        Files.createDirectories(config.scratchDir());
        cleanScratch();
        MetaFetcher.Result fetched = fetcher.fetch();
        for (Map.Entry<Ulid, String> c : fetched.corrupt().entrySet()) {
            if (reportedCorrupt.add(c.getKey())) {
                status.corruptBlocks.incrementAndGet();
                LOG.log(System.Logger.Level.ERROR, "compactor: block " + c.getKey() + " in bucket " + bucket.name()
                        + " has an unusable meta.json and is left alone: " + c.getValue()
                        + ". Repair or delete the block directory by hand");
            }
        }
        Map<Ulid, Entry> entries = new TreeMap<>();
        for (BlockMeta m : fetched.metas().values()) {
            entries.put(m.ulid(), readMarkers(m.ulid(), m));
        }
        Set<Ulid> noCompact = new HashSet<>();
        Map<GroupKey, List<BlockMeta>> groups = new TreeMap<>();
        for (Entry e : entries.values()) {
            if (e.noCompact()) {
                noCompact.add(e.meta().ulid());
            }
            if (e.deletionMark() == null) {
                groups.computeIfAbsent(GroupKey.of(e.meta()), k -> new ArrayList<>()).add(e.meta());
            }
        }
        for (List<BlockMeta> g : groups.values()) {
            // Thanos's syncer.GarbageCollect: a block whose data another block holds is marked for deletion.
            for (BlockMeta dup : dropCovered(g)) {
                if (BlockDeletion.mark(bucket, dup.ulid(), "its data is in a block of a higher compaction level",
                        clock.instant())) {
                    status.marked.incrementAndGet();
                    LOG.log(System.Logger.Level.INFO, "compactor: block " + dup.ulid()
                            + " is covered by a compacted block (a run stopped before marking it); marked for deletion");
                }
            }
        }

        for (Map.Entry<GroupKey, List<BlockMeta>> g : groups.entrySet()) {
            compactGroup(g.getKey(), g.getValue(), noCompact);
        }
        List<BlockMeta> live = new ArrayList<>();
        groups.values().forEach(live::addAll);
        if (config.downsample()) {
            live.addAll(downsampleAll(live, noCompact));
        }
        applyRetention(live);
        collectGarbage(entries, fetched.partial());
    }

    /** Deletion mark time and no-compact mark of a block, from one listing of its directory. */
    private Entry readMarkers(Ulid id, BlockMeta meta) throws IOException {
        List<String> names = bucket.list(id + "/", false);
        Instant deletion = null;
        String markName = id + "/" + DeletionMark.FILENAME;
        if (names.contains(markName)) {
            try (InputStream in = bucket.get(markName)) {
                DeletionMark mark = DeletionMark.parse(in.readAllBytes(), bucket.name() + "/" + markName);
                deletion = Instant.ofEpochSecond(mark.deletionTime());
            } catch (ObjectNotFoundException e) {
                deletion = null; // deleted between the listing and the read: a GC of another run finished it
            } catch (CorruptionException e) {
                // An unreadable mark still says "delete me"; count it from now so the delay still applies.
                LOG.log(System.Logger.Level.WARNING, "compactor: " + e.getMessage() + "; treating the block as marked now");
                deletion = clock.instant();
            }
        }
        return new Entry(meta, deletion, names.contains(NoCompactMark.object(id)));
    }

    /**
     * Removes blocks whose sources another block of the group includes: left over when a compaction's
     * result was uploaded but marking its sources failed (Thanos's deduplicate filter does the same).
     * Of blocks with equal sources the one with the smallest ULID stays.
     *
     * @return the blocks removed
     */
    static List<BlockMeta> dropCovered(List<BlockMeta> group) {
        List<BlockMeta> keep = new ArrayList<>();
        for (BlockMeta b : group) {
            Set<Ulid> bs = sources(b);
            boolean covered = false;
            for (BlockMeta a : group) {
                if (a == b) {
                    continue;
                }
                Set<Ulid> as = sources(a);
                if (as.containsAll(bs) && (as.size() > bs.size() || a.ulid().compareTo(b.ulid()) < 0)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                keep.add(b);
            }
        }
        List<BlockMeta> dropped = new ArrayList<>(group);
        dropped.removeAll(keep);
        group.retainAll(keep);
        return dropped;
    }

    private static Set<Ulid> sources(BlockMeta m) {
        return m.compaction().sources().isEmpty() ? Set.of(m.ulid()) : new HashSet<>(m.compaction().sources());
    }

    private void compactGroup(GroupKey key, List<BlockMeta> group, Set<Ulid> noCompact)
            throws IOException, CompactorHaltedException, LockLost {
        for (int job = 0; job < MAX_JOBS_PER_GROUP; job++) {
            List<BlockMeta> plan = planner.plan(group, noCompact);
            if (plan.isEmpty()) {
                return;
            }
            BlockMeta out = compact(key, plan, noCompact);
            if (out == CORRUPT) {
                continue; // noCompact grew; plan again without the bad block
            }
            group.removeAll(plan);
            if (out != null) {
                group.add(out);
            }
        }
        throw new CompactorHaltedException("group " + key + " still had compactions due after " + MAX_JOBS_PER_GROUP
                + " jobs in one run; this is a planner bug: report it with the list of blocks (cairn bucket ls)");
    }

    /** Stands for "a source was corrupt, nothing was compacted". */
    private static final BlockMeta CORRUPT = new BlockMeta(new Ulid(0, 0), 0, 0, dev.cairn.tsdb.block.BlockStats.EMPTY,
            dev.cairn.tsdb.block.BlockCompaction.level1(new Ulid(0, 0)), 1, null);

    /** Compacts {@code plan} into one block in the bucket; returns its meta, null for no samples, or CORRUPT. */
    private BlockMeta compact(GroupKey key, List<BlockMeta> plan, Set<Ulid> noCompact)
            throws IOException, CompactorHaltedException, LockLost {
        heartbeat();
        Path job = config.scratchDir().resolve("compact-" + plan.get(0).ulid());
        String what = "compact " + plan.size() + " blocks of group " + key + " (" + ids(plan) + ")";
        LOG.log(System.Logger.Level.INFO, "compactor: " + what);
        DurableFiles.deleteRecursively(job);
        Files.createDirectories(job);
        List<Block> blocks = new ArrayList<>();
        try {
            ensureSpace(job, plan, what);
            List<Block> opened = downloadVerified(job.resolve("in"), plan, noCompact, blocks);
            if (opened == null) {
                return CORRUPT;
            }
            BlockMeta out;
            try {
                out = new Compactor(job.resolve("out")).compact(opened);
            } catch (CorruptionException e) {
                throw new CompactorHaltedException(what + ": " + e.getMessage() + " (the blocks verified, so the"
                        + " fault is in the compaction: report it; mark one of the blocks no-compact to go on)", e);
            }
            Instant now = clock.instant();
            String details = "compacted";
            if (out != null) {
                uploadWhole(job.resolve("out").resolve(out.ulid().toString()), what);
                details = "source of compacted block " + out.ulid();
                status.compactions.incrementAndGet();
            } else {
                LOG.log(System.Logger.Level.INFO, "compactor: " + what + ": they hold no samples; marking them only");
            }
            for (BlockMeta m : plan) {
                if (BlockDeletion.mark(bucket, m.ulid(), details, now)) {
                    status.marked.incrementAndGet();
                }
            }
            return out;
        } finally {
            for (Block b : blocks) {
                b.close();
            }
            DurableFiles.deleteRecursively(job);
        }
    }

    /**
     * Downloads and opens the blocks, verifying each; null when one is corrupt (it is then marked
     * no-compact and added to {@code noCompact}). Opened blocks are added to {@code opened} for closing.
     */
    private List<Block> downloadVerified(Path dir, List<BlockMeta> metas, Set<Ulid> noCompact, List<Block> opened)
            throws IOException {
        Files.createDirectories(dir);
        List<Block> out = new ArrayList<>();
        for (BlockMeta m : metas) {
            Download.download(bucket, m.ulid(), dir);
            Block b;
            try {
                b = Block.open(dir.resolve(m.ulid().toString()));
            } catch (CorruptionException e) {
                skipCorrupt(m.ulid(), e, noCompact);
                return null;
            }
            opened.add(b);
            try {
                b.verify();
            } catch (CorruptionException e) {
                skipCorrupt(m.ulid(), e, noCompact);
                return null;
            }
            out.add(b);
        }
        return out;
    }

    private void skipCorrupt(Ulid id, CorruptionException e, Set<Ulid> noCompact) throws IOException {
        status.corruptBlocks.incrementAndGet();
        reportedCorrupt.add(id);
        noCompact.add(id);
        LOG.log(System.Logger.Level.ERROR, "compactor: block " + id + " in bucket " + bucket.name() + " is corrupt ("
                + e.getMessage() + "); marked no-compact and skipped. It is still queried as it is; repair or delete it,"
                + " then remove " + NoCompactMark.object(id) + " to compact it again");
        NoCompactMark.place(bucket, id, NoCompactMark.REASON_CORRUPT, e.getMessage(), clock.instant());
    }

    /** Uploads a new block; on failure deletes what reached the bucket and rethrows. */
    private void uploadWhole(Path blockDir, String what) throws IOException {
        Ulid id = Ulid.parse(blockDir.getFileName().toString());
        try {
            Upload.upload(bucket, blockDir, new Upload.Options(Map.of(), ThanosMeta.SOURCE_COMPACTOR, true));
        } catch (IOException e) {
            try {
                BlockDeletion.delete(bucket, id);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
                LOG.log(System.Logger.Level.WARNING, "compactor: could not remove the partial upload of " + id
                        + " (invisible without meta.json; deleted after " + PARTIAL_UPLOAD_AGE + "): "
                        + suppressed.getMessage());
            }
            throw new IOException(what + ": " + e.getMessage() + (e.getSuppressed().length == 0
                    ? "; the compactor deleted what reached the bucket" : ""), e);
        }
    }

    /** Halts unless the scratch disk has room for the inputs, an output as big, and the margin. */
    private void ensureSpace(Path dir, List<BlockMeta> inputs, String what) throws IOException, CompactorHaltedException {
        long input = 0;
        for (BlockMeta m : inputs) {
            input += size(m);
        }
        long need = 2 * input + config.diskMarginBytes();
        long free = freeSpace.usableBytes(dir);
        if (free < need) {
            throw new CompactorHaltedException(what + ": not enough disk space in " + config.scratchDir() + ": "
                    + free + " bytes free, need " + need + " (" + input + " bytes to download, as much for the result,"
                    + " and a margin of " + config.diskMarginBytes() + "). Free space there or move the data directory"
                    + " to a bigger disk, then restart the appliance or resume the compactor");
        }
    }

    /** Bytes of a block in the bucket: from meta.json's file list, else by asking the bucket. */
    private long size(BlockMeta m) throws IOException {
        long sum = 0;
        if (m.thanos() != null) {
            for (ThanosFile f : m.thanos().files()) {
                sum += f.sizeBytes();
            }
        }
        if (sum > 0) {
            return sum;
        }
        for (String name : bucket.list(m.ulid().toString(), true)) {
            sum += bucket.attributes(name).size();
        }
        return sum;
    }

    private List<BlockMeta> downsampleAll(List<BlockMeta> live, Set<Ulid> noCompact)
            throws IOException, CompactorHaltedException, LockLost {
        List<BlockMeta> made = new ArrayList<>();
        for (DownsamplePlanner.Job j : DownsamplePlanner.plan(live)) {
            if (noCompact.contains(j.block().ulid())) {
                continue;
            }
            heartbeat();
            BlockMeta m = j.block();
            Path job = config.scratchDir().resolve("downsample-" + m.ulid());
            String what = "downsample block " + m.ulid() + " to resolution " + j.targetResolution() + " ms";
            LOG.log(System.Logger.Level.INFO, "compactor: " + what);
            DurableFiles.deleteRecursively(job);
            Files.createDirectories(job);
            List<Block> opened = new ArrayList<>();
            try {
                ensureSpace(job, List.of(m), what);
                List<Block> blocks = downloadVerified(job.resolve("in"), List.of(m), noCompact, opened);
                if (blocks == null) {
                    continue;
                }
                BlockMeta out;
                try {
                    out = new Downsampler(job.resolve("out")).downsample(blocks.get(0), j.targetResolution());
                } catch (CorruptionException | IllegalStateException e) {
                    throw new CompactorHaltedException(what + ": " + e.getMessage(), e);
                }
                uploadWhole(job.resolve("out").resolve(out.ulid().toString()), what);
                status.downsamples.incrementAndGet();
                made.add(out);
            } finally {
                for (Block b : opened) {
                    b.close();
                }
                DurableFiles.deleteRecursively(job);
            }
        }
        return made;
    }

    /** Marks blocks whose end lies longer ago than their resolution's retention (Thanos's rule). */
    private void applyRetention(List<BlockMeta> live) throws IOException {
        Instant now = clock.instant();
        for (BlockMeta m : live) {
            long res = m.thanos() == null ? 0 : m.thanos().downsampleResolution();
            Duration keep = config.retention(res);
            if (keep.isZero()) {
                continue;
            }
            if (now.isAfter(Instant.ofEpochMilli(m.maxTime()).plus(keep))) {
                if (BlockDeletion.mark(bucket, m.ulid(), "retention: older than " + keep + " at resolution " + res
                        + " ms", now)) {
                    status.marked.incrementAndGet();
                    LOG.log(System.Logger.Level.INFO, "compactor: block " + m.ulid() + " expired (retention " + keep
                            + "); marked for deletion");
                }
            }
        }
    }

    /** Deletes blocks marked longer ago than the delete delay, and abandoned partial uploads. */
    private void collectGarbage(Map<Ulid, Entry> entries, List<Ulid> partial) throws IOException, LockLost {
        Instant now = clock.instant();
        for (Entry e : entries.values()) {
            if (e.deletionMark() != null && !now.isBefore(e.deletionMark().plus(config.deleteDelay()))) {
                heartbeat();
                BlockDeletion.delete(bucket, e.meta().ulid());
                status.deletions.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "compactor: deleted block " + e.meta().ulid() + " (marked "
                        + e.deletionMark() + ")");
            }
        }
        for (Ulid id : partial) {
            Entry marks = readMarkers(id, null);
            boolean markedLongAgo = marks.deletionMark() != null
                    && !now.isBefore(marks.deletionMark().plus(config.deleteDelay()));
            boolean abandoned = Instant.ofEpochMilli(id.time()).plus(PARTIAL_UPLOAD_AGE).isBefore(now);
            if (markedLongAgo || abandoned) {
                heartbeat();
                BlockDeletion.delete(bucket, id);
                status.deletions.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "compactor: deleted partial block " + id
                        + (markedLongAgo ? " (a deletion midway)" : " (an upload abandoned over " + PARTIAL_UPLOAD_AGE + " ago)"));
            }
        }
    }

    private void heartbeat() throws IOException, LockLost {
        if (lock != null && !lock.heartbeat()) {
            BucketLock.Holder h = lock.read();
            throw new LockLost(h == null ? "nobody" : h.holder());
        }
    }

    /** Releases the bucket lock (on shutdown). */
    void releaseLock() {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "compactor: release bucket lock: " + e.getMessage()
                    + " (it goes stale after " + config.lockStaleAfter() + ")");
        }
    }

    private void cleanScratch() throws IOException {
        Path dir = config.scratchDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                DurableFiles.deleteRecursively(p);
            }
        }
    }

    private static String ids(List<BlockMeta> metas) {
        StringBuilder sb = new StringBuilder();
        for (BlockMeta m : metas) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(m.ulid());
        }
        return sb.toString();
    }

    /** For tests: a compactor without lock, with the given clock and disk. */
    static BucketCompactor unlocked(Bucket bucket, CompactorConfig config, Clock clock, FreeSpace freeSpace) {
        return new BucketCompactor(bucket, config, new CompactorStatus(), clock, freeSpace, null);
    }
}
