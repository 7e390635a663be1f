package dev.cairn.appliance.store;

import dev.cairn.appliance.query.DamagedBlocks;
import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.ship.DeletionMark;
import dev.cairn.tsdb.ship.MetaFetcher;
import dev.cairn.tsdb.storage.Querier;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store gateway: the blocks of the bucket as one {@link Querier}, so that data the receiver has
 * shipped and dropped stays queryable (Thanos's BucketStore).
 *
 * <p><b>Sync.</b> {@link #sync()} lists the bucket's blocks ({@link MetaFetcher}) and keeps those that
 * can be served: a block with a deletion mark is left out (the compactor has replaced it), and so is a
 * block whose sources another block of the same resolution and labels already holds (a compaction
 * whose sources are not marked yet: serving both would only double the work). A meta.json that does
 * not parse is reported (log, {@link #corruptBlocks()}, {@code cairn_store_blocks_corrupt}) and left
 * out; the sync goes on. Runs every {@code sync_interval} once {@link #start} was called.
 *
 * <p><b>Reads.</b> Nothing of a block is read at sync: its index header is loaded by the first query
 * that needs it ({@link BucketBlock}) and kept in memory and, when a directory is given, on disk for
 * the next start. A block whose index or chunks turn out damaged (checksum, bounds) is reported
 * (log, {@link #corruptBlocks()}) and left out of this and later queries, each of which that
 * overlaps it gets a warning naming it ({@link DamagedBlocks}); the others still answer.
 *
 * <p>Thread-safe: queries read an immutable snapshot of the block list that a sync replaces.
 */
public final class BucketStore implements MetricsSource, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BucketStore.class.getName());
    private static final int SYNC_CONCURRENCY = 8;
    private static final int READ_CONCURRENCY = 8;

    private final Bucket bucket;
    private final MetaFetcher metas;
    private final RangeFetcher fetcher;
    private final ByteCache cache;
    private final HeaderCache headers;
    private volatile SortedMap<Ulid, BucketBlock> blocks = Collections.emptySortedMap();
    private final Map<Ulid, String> corrupt = new ConcurrentHashMap<>();
    private volatile int markedForDeletion;
    private volatile int duplicates;
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong syncFailures = new AtomicLong();
    private volatile long lastSyncMs;
    /** Why the latest sync failed; null once one succeeds. */
    private volatile String lastSyncError;
    private volatile long lastSyncErrorMs;
    private ScheduledExecutorService timer;
    /** Reads blocks of one select concurrently; bounded so that a query over many blocks cannot flood the bucket. */
    private final ExecutorService readPool = Executors.newFixedThreadPool(READ_CONCURRENCY, r -> {
        Thread t = new Thread(r, "cairn-store-read");
        t.setDaemon(true);
        return t;
    });

    /** @param cacheBytes bound on the bytes the postings/series/chunk cache holds */
    public BucketStore(Bucket bucket, long cacheBytes) {
        this(bucket, cacheBytes, null);
    }

    /**
     * @param cacheBytes     bound on the bytes the postings/series/chunk cache holds
     * @param headerCacheDir where index headers are kept between starts ({@code <data_dir>/cache}); null
     *                       for memory only
     */
    public BucketStore(Bucket bucket, long cacheBytes, Path headerCacheDir) {
        this.bucket = bucket;
        this.metas = new MetaFetcher(bucket, SYNC_CONCURRENCY);
        this.fetcher = new RangeFetcher(bucket);
        this.cache = new ByteCache(cacheBytes);
        this.headers = new HeaderCache(headerCacheDir);
    }

    /** What one sync found. */
    public record SyncResult(int blocks, int markedForDeletion, int duplicates, Map<Ulid, String> corrupt) {
    }

    /**
     * Lists the bucket's blocks and replaces the served set.
     *
     * @throws IOException when the bucket cannot be listed; the previous set stays served
     */
    public synchronized SyncResult sync() throws IOException {
        try {
            MetaFetcher.Result r = metas.fetch();
            for (Map.Entry<Ulid, String> e : r.corrupt().entrySet()) {
                if (corrupt.put(e.getKey(), e.getValue()) == null) {
                    LOG.log(System.Logger.Level.WARNING, "store: block {0} in bucket {1} is skipped, its meta.json is"
                            + " unusable: {2}. Repair or delete the block (cairn bucket verify)", e.getKey(),
                            bucket.name(), e.getValue());
                }
            }
            Set<Ulid> marked = deletionMarked(r.metas().keySet());
            List<BlockMeta> candidates = new ArrayList<>();
            for (BlockMeta m : r.metas().values()) {
                if (!marked.contains(m.ulid()) && !corrupt.containsKey(m.ulid())) {
                    candidates.add(m);
                }
            }
            List<BlockMeta> served = withoutDuplicates(candidates);
            SortedMap<Ulid, BucketBlock> old = blocks;
            SortedMap<Ulid, BucketBlock> next = new TreeMap<>();
            for (BlockMeta m : served) {
                BucketBlock b = old.get(m.ulid());
                next.put(m.ulid(), b != null ? b : new BucketBlock(m, fetcher, cache, null, headers));
            }
            for (Ulid id : old.keySet()) {
                if (!next.containsKey(id)) {
                    cache.dropBlock(id.toString());
                }
            }
            Set<String> live = new HashSet<>();
            next.keySet().forEach(id -> live.add(id.toString()));
            headers.retain(live);
            // reports of blocks that left the bucket go with them
            Set<Ulid> present = new HashSet<>(r.metas().keySet());
            present.addAll(r.corrupt().keySet());
            corrupt.keySet().retainAll(present);
            blocks = Collections.unmodifiableSortedMap(next);
            markedForDeletion = marked.size();
            duplicates = candidates.size() - served.size();
            lastSyncMs = System.currentTimeMillis();
            lastSyncError = null;
            syncs.incrementAndGet();
            return new SyncResult(next.size(), marked.size(), duplicates, Map.copyOf(corrupt));
        } catch (IOException | RuntimeException e) {
            syncFailures.incrementAndGet();
            lastSyncErrorMs = System.currentTimeMillis();
            lastSyncError = e.getMessage() == null ? e.toString() : e.getMessage();
            throw e;
        }
    }

    /** The blocks among {@code ids} that carry a deletion mark, asked concurrently. */
    private Set<Ulid> deletionMarked(Set<Ulid> ids) throws IOException {
        if (ids.isEmpty()) {
            return Set.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(SYNC_CONCURRENCY, ids.size()), r -> {
            Thread t = new Thread(r, "store-sync " + bucket.name());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Ulid> order = new ArrayList<>(ids);
            List<Future<Boolean>> fs = new ArrayList<>(order.size());
            for (Ulid id : order) {
                fs.add(pool.submit(() -> bucket.exists(id + "/" + DeletionMark.FILENAME)));
            }
            Set<Ulid> out = new HashSet<>();
            for (int i = 0; i < order.size(); i++) {
                if (fs.get(i).get()) {
                    out.add(order.get(i));
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("store: sync of bucket " + bucket.name() + " interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io
                    : new IOException("store: look for deletion marks in bucket " + bucket.name() + ": " + c, c);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Leaves out each block whose compaction sources a different block of the same labels and
     * resolution covers entirely (Thanos's deduplicate filter): the bigger block holds its data.
     */
    static List<BlockMeta> withoutDuplicates(List<BlockMeta> metas) {
        List<BlockMeta> out = new ArrayList<>(metas.size());
        for (BlockMeta m : metas) {
            boolean covered = false;
            Set<Ulid> mine = new HashSet<>(m.compaction().sources());
            for (BlockMeta o : metas) {
                if (o == m || !sameStream(m, o) || o.compaction().sources().size() < mine.size()) {
                    continue;
                }
                if (o.compaction().sources().containsAll(mine)
                        && (o.compaction().sources().size() > mine.size() || o.ulid().compareTo(m.ulid()) > 0)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                out.add(m);
            }
        }
        return out;
    }

    private static boolean sameStream(BlockMeta a, BlockMeta b) {
        long ra = a.thanos() == null ? 0 : a.thanos().downsampleResolution();
        long rb = b.thanos() == null ? 0 : b.thanos().downsampleResolution();
        Map<String, String> la = a.thanos() == null ? Map.of() : a.thanos().labels();
        Map<String, String> lb = b.thanos() == null ? Map.of() : b.thanos().labels();
        return ra == rb && la.equals(lb);
    }

    /** Syncs every {@code intervalMs} on a daemon thread; failures are logged and retried at the next tick. */
    public synchronized void start(long intervalMs) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-store-sync");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                sync();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "store: sync of bucket {0} failed, serving the blocks of the"
                        + " last sync; retrying in {1} ms: {2}", bucket.name(), intervalMs, e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** A querier over the served blocks overlapping [mint, maxt]; damaged blocks are left out silently. */
    public Querier querier(long mint, long maxt) {
        return querier(mint, maxt, null);
    }

    /**
     * A querier over the served blocks overlapping [mint, maxt]. A block found damaged while this querier
     * reads it, or found so earlier and overlapping the range, is left out and reported to {@code damaged}
     * (null: not reported), so that the query's answer says which data it lacks.
     */
    public Querier querier(long mint, long maxt, DamagedBlocks damaged) {
        List<BucketBlock> live = new ArrayList<>();
        Map<Ulid, String> known = new TreeMap<>();
        for (BucketBlock b : blocks.values()) {
            if (!b.meta().overlapsClosed(mint, maxt)) {
                continue;
            }
            String why = corrupt.get(b.meta().ulid());
            if (why == null) {
                live.add(b);
            } else {
                known.put(b.meta().ulid(), why);
            }
        }
        return new BucketQuerier(this, live, mint, maxt, damaged, known);
    }

    /** Leaves a block out from now on: its index or chunks cannot be read as they are. */
    void markCorrupt(BucketBlock b, RuntimeException e) {
        if (corrupt.put(b.meta().ulid(), DamagedBlocks.reason(e)) == null) {
            LOG.log(System.Logger.Level.WARNING, "store: {0} in bucket {1} is damaged and left out of queries: {2}."
                    + " Check it with cairn bucket verify, then repair or delete it", b, bucket.name(), e.getMessage());
        }
    }

    /** Metas of the blocks served now, by ULID. */
    public List<BlockMeta> blocks() {
        List<BlockMeta> out = new ArrayList<>();
        for (BucketBlock b : blocks.values()) {
            out.add(b.meta());
        }
        return out;
    }

    /** Blocks left out because they are damaged, with the reason. */
    public Map<Ulid, String> corruptBlocks() {
        return Map.copyOf(corrupt);
    }

    /** The state the status UI's store page shows. */
    public StoreStatus status() {
        SortedMap<Long, Integer> byResolution = new TreeMap<>();
        int headers = 0;
        for (BucketBlock b : blocks.values()) {
            byResolution.merge(b.resolution(), 1, Integer::sum);
            if (b.headerLoaded()) {
                headers++;
            }
        }
        return new StoreStatus(byResolution, headers, markedForDeletion, duplicates, cache.bytes(), cache.maxBytes(),
                cache.hits(), cache.misses(), cache.evictions(), syncs.get(), syncFailures.get(), lastSyncMs,
                lastSyncError, lastSyncErrorMs, new TreeMap<>(corrupt));
    }

    /** Ranged GETs issued for queries so far (index headers, postings, series, chunks). */
    public long bucketGets() {
        return fetcher.gets();
    }

    /** Bytes those GETs returned. */
    public long bucketBytes() {
        return fetcher.bytes();
    }

    @Override
    public void writeMetrics(MetricsText out) {
        int headers = 0;
        for (BucketBlock b : blocks.values()) {
            if (b.headerLoaded()) {
                headers++;
            }
        }
        out.single("cairn_store_blocks_loaded", "gauge", "Blocks of the bucket the store gateway serves.",
                blocks.size());
        out.single("cairn_store_blocks_corrupt", "gauge", "Blocks left out because their meta.json, index or chunks"
                + " are damaged (see the log).", corrupt.size());
        out.single("cairn_store_blocks_marked_for_deletion", "gauge", "Blocks left out because of a deletion mark.",
                markedForDeletion);
        out.single("cairn_store_blocks_duplicate", "gauge", "Blocks left out because a compacted block holds"
                + " their data.", duplicates);
        out.single("cairn_store_index_headers_loaded", "gauge", "Blocks whose index header is in memory.", headers);
        out.single("cairn_store_syncs_total", "counter", "Syncs of the block list with the bucket.", syncs.get());
        out.single("cairn_store_sync_failures_total", "counter", "Syncs that failed.", syncFailures.get());
        out.single("cairn_store_last_sync_timestamp_seconds", "gauge", "When the last sync succeeded.",
                lastSyncMs / 1000.0);
        out.single("cairn_store_bucket_get_total", "counter", "Ranged GETs the store gateway issued.", fetcher.gets());
        out.single("cairn_store_bucket_get_bytes_total", "counter", "Bytes those GETs returned.", fetcher.bytes());
        out.single("cairn_store_cache_hits_total", "counter", "Postings, series and chunk cache hits.", cache.hits());
        out.single("cairn_store_cache_misses_total", "counter", "Postings, series and chunk cache misses.",
                cache.misses());
        out.single("cairn_store_cache_evictions_total", "counter", "Entries evicted to stay under the cache bound.",
                cache.evictions());
        out.single("cairn_store_cache_bytes", "gauge", "Bytes the cache holds.", cache.bytes());
        out.single("cairn_store_cache_max_bytes", "gauge", "The cache's bound (store.cache_max_size).",
                cache.maxBytes());
    }

    ExecutorService readPool() {
        return readPool;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        readPool.shutdownNow();
    }
}
