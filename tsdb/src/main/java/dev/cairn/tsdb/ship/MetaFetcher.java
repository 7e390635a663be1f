package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectNotFoundException;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Lists the blocks of a bucket with their meta.json, as Thanos's {@code block.MetaFetcher}.
 *
 * <p>Every top-level directory named by a ULID is a block candidate; other entries are not blocks and
 * are ignored. A candidate without meta.json is <b>partial</b> (an upload in progress or interrupted, or
 * a deletion midway) and left out. A meta.json that does not parse, or names another block, is
 * <b>corrupt</b>: reported, left out, and the fetch goes on — one bad block must not hide the others.
 * Any other bucket error fails the fetch: we cannot tell a network failure from a missing block, and
 * guessing would make blocks vanish from queries.
 *
 * <p>A meta.json never changes once uploaded, so metas are cached between fetches; only new blocks are
 * read. Thread-safe; fetches may run concurrently.
 */
public final class MetaFetcher {
    private final Bucket bucket;
    private final int concurrency;
    private final Map<Ulid, BlockMeta> cache = new ConcurrentHashMap<>();

    /**
     * What one fetch found.
     *
     * @param metas   complete blocks by ULID (in ULID order: creation time)
     * @param partial blocks without meta.json
     * @param corrupt blocks whose meta.json cannot be used, with the reason
     */
    public record Result(SortedMap<Ulid, BlockMeta> metas, List<Ulid> partial, SortedMap<Ulid, String> corrupt) {
        public Result {
            metas = Collections.unmodifiableSortedMap(new TreeMap<>(metas));
            partial = List.copyOf(partial);
            corrupt = Collections.unmodifiableSortedMap(new TreeMap<>(corrupt));
        }
    }

    /** {@code concurrency}: how many meta.json downloads run at once (Thanos defaults to 32). */
    public MetaFetcher(Bucket bucket, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("meta fetch concurrency " + concurrency + " (expected >= 1)");
        }
        this.bucket = bucket;
        this.concurrency = concurrency;
    }

    public Result fetch() throws IOException {
        List<Ulid> ids = new ArrayList<>();
        bucket.iter("", false, name -> {
            if (name.endsWith("/")) {
                String dir = name.substring(0, name.length() - 1);
                if (Ulid.isValid(dir)) {
                    ids.add(Ulid.parse(dir));
                }
            }
        });
        cache.keySet().retainAll(new java.util.HashSet<>(ids));
        SortedMap<Ulid, BlockMeta> metas = new TreeMap<>();
        List<Ulid> partial = new ArrayList<>();
        SortedMap<Ulid, String> corrupt = new TreeMap<>();
        List<Ulid> toRead = new ArrayList<>();
        for (Ulid id : ids) {
            BlockMeta m = cache.get(id);
            if (m != null) {
                metas.put(id, m);
            } else {
                toRead.add(id);
            }
        }
        if (toRead.isEmpty()) {
            return new Result(metas, partial, corrupt);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, toRead.size()), r -> {
            Thread t = new Thread(r, "meta-fetch " + bucket.name());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Ulid id : toRead) {
                futures.add(pool.submit(() -> read(id)));
            }
            for (Future<Outcome> f : futures) {
                Outcome o = f.get();
                if (o.meta != null) {
                    metas.put(o.id, o.meta);
                    cache.put(o.id, o.meta);
                } else if (o.corruption != null) {
                    corrupt.put(o.id, o.corruption);
                } else {
                    partial.add(o.id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("fetch block metas from bucket " + bucket.name() + ": interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new IOException("fetch block metas from bucket " + bucket.name() + ": " + io.getMessage(), io);
            }
            throw new IllegalStateException("fetch block metas from bucket " + bucket.name(), c);
        } finally {
            pool.shutdownNow();
        }
        return new Result(metas, partial, corrupt);
    }

    private record Outcome(Ulid id, BlockMeta meta, String corruption) {
    }

    private Outcome read(Ulid id) throws IOException {
        String name = BlockFiles.object(id, BlockFiles.META);
        byte[] bytes;
        try (InputStream in = bucket.get(name)) {
            bytes = in.readAllBytes();
        } catch (ObjectNotFoundException e) {
            return new Outcome(id, null, null);
        }
        try {
            BlockMeta m = MetaJson.parse(bytes, bucket.name() + "/" + name);
            if (!m.ulid().equals(id)) {
                return new Outcome(id, null, bucket.name() + "/" + name + ": names block " + m.ulid() + ", not " + id);
            }
            return new Outcome(id, m, null);
        } catch (CorruptionException e) {
            return new Outcome(id, null, e.getMessage());
        }
    }
}
