package dev.cairn.appliance.store;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.appliance.promql.QueryResult;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.ship.DeletionMark;
import dev.cairn.tsdb.storage.MergeQuerier;
import dev.cairn.tsdb.storage.Querier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store gateway over a filesystem bucket: the same PromQL answers as the blocks read locally. */
class BucketStoreTest {
    static final Map<String, String> EXT = Map.of("cluster", "eu1", "receive_replica", "r1");
    static final long H = 3_600_000L;

    /** Queries over the 8h of data: selectors, rate over counter resets, aggregations, external-label matchers. */
    static final List<String> RANGE_QUERIES = List.of(
            "rate(http_requests_total[5m])",
            "sum by (code) (increase(http_requests_total[1h]))",
            "max_over_time(node_load1[30m])",
            "avg_over_time(node_memory_MemAvailable_bytes[10m])",
            "node_load1{instance=~\"vm-[12].*\"}",
            "http_requests_total{cluster=\"eu1\", code!=\"200\"}",
            "count by (cluster, receive_replica) (node_cpu_seconds_total)",
            "irate(node_cpu_seconds_total{mode=\"user\"}[2m])");

    @TempDir
    Path tmp;
    private final List<Block> local = new ArrayList<>();

    private final List<BucketStore> stores = new ArrayList<>();

    @AfterEach
    void closeBlocks() throws IOException {
        for (Block b : local) {
            b.close();
        }
        stores.forEach(BucketStore::close);
    }

    private BucketStore open(Bucket bucket, long cacheBytes) {
        return open(bucket, cacheBytes, null);
    }

    private BucketStore open(Bucket bucket, long cacheBytes, Path headerCache) {
        BucketStore s = new BucketStore(bucket, cacheBytes, headerCache);
        stores.add(s);
        return s;
    }

    private QuerierFactory localBlocks(List<Path> dirs) throws IOException {
        for (Path d : dirs) {
            local.add(Block.open(d));
        }
        Labels ext = Labels.of(EXT);
        return (mint, maxt) -> {
            List<Querier> qs = new ArrayList<>();
            for (Block b : local) {
                qs.add(b.querier(mint, maxt));
            }
            return ExternalLabelsQuerier.wrap(new MergeQuerier(qs), ext);
        };
    }

    @Test
    void querier_overShippedBlocks_answersPromqlAsTheLocalBlocks() throws Exception {
        Workload w = new Workload(3, Workload.T0, Workload.T0 + 8 * H);
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            List<Path> dirs = w.ship2hBlocks(tmp.resolve("blocks"), bucket, EXT);
            QuerierFactory reference = localBlocks(dirs);
            BucketStore store = open(bucket, 64 << 20);
            BucketStore.SyncResult sync = store.sync();
            assertEquals(4, sync.blocks());
            assertTrue(sync.corrupt().isEmpty(), sync.corrupt().toString());
            Engine engine = new Engine();
            for (String q : RANGE_QUERIES) {
                QueryResult want = engine.rangeQuery(reference, q, Workload.T0 + 10 * 60_000, Workload.T0 + 8 * H, 60_000);
                QueryResult got = engine.rangeQuery(store::querier, q, Workload.T0 + 10 * 60_000, Workload.T0 + 8 * H,
                        60_000);
                assertTrue(Answers.points(want) > 100, q + " has data");
                assertEquals(Answers.render(want), Answers.render(got), q);
            }
            for (long t = Workload.T0 + H; t < Workload.T0 + 8 * H; t += 97 * 60_000) {
                for (String q : List.of("node_load1", "http_requests_total", "rate(http_requests_total[10m])")) {
                    assertEquals(Answers.render(engine.instantQuery(reference, q, t)),
                            Answers.render(engine.instantQuery(store::querier, q, t)), q + " at " + t);
                }
            }
            try (Querier q = store.querier(Workload.T0, Workload.T0 + 8 * H);
                 Querier r = reference.querier(Workload.T0, Workload.T0 + 8 * H)) {
                List<Matcher> job = List.of(Matcher.equal("job", "node"));
                assertEquals(r.labelNames(job), q.labelNames(job));
                assertEquals(r.labelValues("instance", job), q.labelValues("instance", job));
                assertEquals(List.of("eu1"), q.labelValues("cluster", List.of()));
                assertTrue(q.labelNames(List.of()).containsAll(List.of("cluster", "code", "instance", "receive_replica")));
            }
        }
    }

    @Test
    void repeatedQuery_isServedFromTheCache_andRangesAreCoalesced() throws Exception {
        Workload w = new Workload(20, Workload.T0, Workload.T0 + 6 * H);
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            w.ship2hBlocks(tmp.resolve("blocks"), bucket, EXT);
            BucketStore store = open(bucket, 64 << 20);
            store.sync();
            Engine engine = new Engine();
            String q = "sum by (code) (rate(http_requests_total[5m]))";
            long t0 = System.nanoTime();
            QueryResult cold = engine.rangeQuery(store::querier, q, Workload.T0, Workload.T0 + 6 * H, 60_000);
            long coldNs = System.nanoTime() - t0;
            long coldGets = store.bucketGets();
            long coldBytes = store.bucketBytes();
            t0 = System.nanoTime();
            QueryResult warm = engine.rangeQuery(store::querier, q, Workload.T0, Workload.T0 + 6 * H, 60_000);
            long warmNs = System.nanoTime() - t0;
            assertEquals(Answers.render(cold), Answers.render(warm));
            assertEquals(coldGets, store.bucketGets(), "the second run reads nothing from the bucket");
            // 3 blocks × (4 header reads + 1 postings + 1 series + 1 chunks read, the ranges being close)
            assertTrue(coldGets <= 3 * 8, "coalesced reads, got " + coldGets + " GETs");
            System.out.printf("store gateway, filesystem bucket, 60 series x 3 blocks, %s: cold %.1f ms, %d GETs,"
                    + " %d bytes; warm %.1f ms, 0 GETs%n", q, coldNs / 1e6, coldGets, coldBytes, warmNs / 1e6);
        }
    }

    @Test
    void cache_staysWithinItsBound() throws Exception {
        Workload w = new Workload(20, Workload.T0, Workload.T0 + 4 * H);
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            w.ship2hBlocks(tmp.resolve("blocks"), bucket, EXT);
            BucketStore store = open(bucket, 16 << 10);
            store.sync();
            Engine engine = new Engine();
            QueryResult r = engine.rangeQuery(store::querier, "rate(node_cpu_seconds_total[5m])", Workload.T0,
                    Workload.T0 + 4 * H, 60_000);
            assertTrue(Answers.points(r) > 1000);
            String metrics = metrics(store);
            double bytes = value(metrics, "cairn_store_cache_bytes");
            assertTrue(bytes > 0 && bytes <= 16 << 10, metrics);
            assertTrue(value(metrics, "cairn_store_cache_evictions_total") > 0, metrics);
        }
    }

    @Test
    void damagedBlocks_areReportedAndSkipped_theRestStillAnswers() throws Exception {
        Workload w = new Workload(3, Workload.T0, Workload.T0 + 8 * H);
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            List<Path> dirs = w.ship2hBlocks(tmp.resolve("blocks"), bucket, EXT);
            String badMeta = Ulid.generate().toString();
            put(bucket, badMeta + "/meta.json", "{\"ulid\": not json");
            String badIndex = dirs.get(1).getFileName().toString();
            byte[] index = get(bucket, badIndex + "/index");
            index[index.length - 10] ^= 0x55; // inside the TOC: its checksum no longer matches
            put(bucket, badIndex + "/index", index);
            String badChunks = dirs.get(2).getFileName().toString();
            byte[] seg = get(bucket, badChunks + "/chunks/000001");
            for (int i = 100; i < seg.length; i += 50) {
                seg[i] ^= 0x01; // every chunk damaged
            }
            put(bucket, badChunks + "/chunks/000001", seg);

            BucketStore store = open(bucket, 64 << 20);
            BucketStore.SyncResult sync = store.sync();
            assertEquals(4, sync.blocks(), "the three good metas are served");
            assertTrue(sync.corrupt().containsKey(Ulid.parse(badMeta)), sync.corrupt().toString());

            Engine engine = new Engine();
            QueryResult r = engine.rangeQuery(store::querier, "node_load1", Workload.T0, Workload.T0 + 8 * H, 60_000);
            Map<Ulid, String> corrupt = store.corruptBlocks();
            assertTrue(corrupt.get(Ulid.parse(badIndex)).contains("table of contents checksum mismatch"), corrupt.toString());
            assertTrue(corrupt.get(Ulid.parse(badChunks)).contains("checksum mismatch"), corrupt.toString());
            // blocks 0 and 3 still answer: 3 series with points in [0h, 2h) and [6h, 8h), none in between
            assertEquals(3, ((dev.cairn.appliance.promql.Matrix) r.value()).series().size());
            for (dev.cairn.appliance.promql.Series s : ((dev.cairn.appliance.promql.Matrix) r.value()).series()) {
                assertTrue(s.size() > 200, s.labels() + ": " + s.size());
                for (long t : s.ts()) {
                    assertFalse(t > Workload.T0 + 2 * H + 5 * 60_000 && t < Workload.T0 + 6 * H, "point at " + t);
                }
            }
            String metrics = metrics(store);
            assertEquals(3.0, value(metrics, "cairn_store_blocks_corrupt"), metrics);
            // later queries do not try them again
            long gets = store.bucketGets();
            engine.rangeQuery(store::querier, "node_load1", Workload.T0, Workload.T0 + 8 * H, 60_000);
            assertEquals(gets, store.bucketGets());
        }
    }

    @Test
    void sync_leavesOutDeletionMarkedAndCompactedSourceBlocks() throws Exception {
        Workload w = new Workload(2, Workload.T0, Workload.T0 + 6 * H);
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            List<Path> dirs = w.ship2hBlocks(tmp.resolve("blocks"), bucket, EXT);
            BucketStore store = open(bucket, 1 << 20);
            assertEquals(3, store.sync().blocks());
            Ulid first = Ulid.parse(dirs.get(0).getFileName().toString());
            put(bucket, first + "/" + DeletionMark.FILENAME,
                    new String(new DeletionMark(first, System.currentTimeMillis() / 1000, "test").toJson(),
                            StandardCharsets.UTF_8));
            BucketStore.SyncResult r = store.sync();
            assertEquals(2, r.blocks());
            assertEquals(1, r.markedForDeletion());
            assertFalse(store.blocks().stream().anyMatch(m -> m.ulid().equals(first)));
            // the compactor's output of blocks 2 and 3, uploaded before their deletion marks: served alone
            List<Block> opened = new ArrayList<>();
            for (Path d : dirs.subList(1, 3)) {
                opened.add(Block.open(d));
            }
            BlockMeta merged = new dev.cairn.tsdb.compact.Compactor(tmp.resolve("compacted")).compact(opened);
            for (Block b : opened) {
                b.close();
            }
            dev.cairn.tsdb.ship.Upload.upload(bucket, tmp.resolve("compacted").resolve(merged.ulid().toString()),
                    dev.cairn.tsdb.ship.Upload.Options.of(EXT, "compactor"));
            r = store.sync();
            assertEquals(1, r.blocks(), store.blocks().toString());
            assertEquals(2, r.duplicates());
            assertEquals(merged.ulid(), store.blocks().get(0).ulid());
            QueryResult q = new Engine().rangeQuery(store::querier, "node_load1", Workload.T0 + 2 * H,
                    Workload.T0 + 6 * H - 60_000, 60_000);
            assertEquals(2, ((dev.cairn.appliance.promql.Matrix) q.value()).series().size());
        }
    }

    @Test
    void seriesEntriesAndChunksLongerThanTheGuesses_areReadWhole() throws Exception {
        // one series of 300 chunks (its index entry far over 1 KiB) of 1000 random samples each (~9 KiB
        // per chunk, over the 2 KiB guess), beside a short series
        java.util.Random r = new java.util.Random(3);
        List<dev.cairn.tsdb.block.BlockChunk> chunks = new ArrayList<>();
        List<double[]> samples = new ArrayList<>();
        long t = Workload.T0;
        for (int c = 0; c < 300; c++) {
            dev.cairn.tsdb.chunk.XorChunk x = new dev.cairn.tsdb.chunk.XorChunk();
            dev.cairn.tsdb.chunk.XorAppender app = x.appender();
            long first = t;
            for (int i = 0; i < 1000; i++, t += 1000) {
                double v = r.nextDouble() * 1e6;
                app.append(t, v);
                samples.add(new double[] {t, v});
            }
            chunks.add(new dev.cairn.tsdb.block.BlockChunk(first, t - 1000, x));
        }
        Labels big = Labels.of("__name__", "big", "job", "x");
        Labels small = Labels.of("__name__", "small", "job", "x");
        Path dir;
        try (dev.cairn.tsdb.block.BlockWriter w = dev.cairn.tsdb.block.BlockWriter.create(tmp.resolve("blocks"),
                dev.cairn.tsdb.block.BlockWriter.Options.defaults().withRange(Workload.T0, t)
                        .withThanos(new dev.cairn.tsdb.block.ThanosMeta(EXT, 0, "receive")))) {
            w.addChunks(big, chunks);
            dev.cairn.tsdb.chunk.XorChunk x = new dev.cairn.tsdb.chunk.XorChunk();
            x.appender().append(Workload.T0, 1);
            w.addChunks(small, List.of(new dev.cairn.tsdb.block.BlockChunk(Workload.T0, Workload.T0, x)));
            dir = tmp.resolve("blocks").resolve(w.commit().ulid().toString());
        }
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            dev.cairn.tsdb.ship.Upload.upload(bucket, dir, dev.cairn.tsdb.ship.Upload.Options.of(EXT, "receive"));
            BucketStore store = open(bucket, 64 << 20);
            store.sync();
            // the big series alone first: nothing read after its entry covers the entry's tail
            for (int round = 0; round < 3; round++) { // cold alone, cold with the small one, then from the cache
                try (Querier q = store.querier(Workload.T0, t)) {
                    dev.cairn.tsdb.storage.SeriesSet set = q.select(round == 0
                            ? List.of(Matcher.equal("__name__", "big")) : List.of(Matcher.equal("job", "x")));
                    assertTrue(set.next());
                    assertEquals("big", set.at().labels().get("__name__"));
                    dev.cairn.tsdb.chunk.ChunkIterator it = set.at().iterator(null);
                    for (double[] want : samples) {
                        assertTrue(it.next());
                        assertEquals((long) want[0], it.atT());
                        assertEquals(want[1], it.atV());
                    }
                    assertFalse(it.next());
                    if (round > 0) {
                        assertTrue(set.next());
                        assertEquals("small", set.at().labels().get("__name__"));
                    }
                    assertFalse(set.next());
                }
            }
        }
    }

    @Test
    void indexHeaders_keptOnDisk_spareTheNextStartTheirReads() throws Exception {
        Workload w = new Workload(2, Workload.T0, Workload.T0 + 6 * H);
        Path cacheDir = tmp.resolve("cache");
        try (Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            List<Path> dirs = w.ship2hBlocks(tmp.resolve("blocks"), bucket, EXT);
            String q = "rate(http_requests_total[5m])";
            Engine engine = new Engine();
            BucketStore first = open(bucket, 64 << 20, cacheDir);
            first.sync();
            String want = Answers.render(engine.rangeQuery(first::querier, q, Workload.T0, Workload.T0 + 6 * H, 60_000));
            long firstGets = first.bucketGets();
            for (Path d : dirs) {
                assertTrue(java.nio.file.Files.isRegularFile(cacheDir.resolve(d.getFileName() + ".index-header")));
            }
            // a restart: the headers come from disk, 4 reads per block fewer
            BucketStore second = open(bucket, 64 << 20, cacheDir);
            second.sync();
            assertEquals(want, Answers.render(engine.rangeQuery(second::querier, q, Workload.T0, Workload.T0 + 6 * H,
                    60_000)));
            assertEquals(firstGets - 3 * 4, second.bucketGets());
            // a damaged file, and another block's file under this block's name: fetched again, nothing reported
            Path damaged = cacheDir.resolve(dirs.get(0).getFileName() + ".index-header");
            byte[] b = java.nio.file.Files.readAllBytes(damaged);
            b[b.length / 2] ^= 0x10;
            java.nio.file.Files.write(damaged, b);
            java.nio.file.Files.copy(cacheDir.resolve(dirs.get(2).getFileName() + ".index-header"),
                    cacheDir.resolve(dirs.get(1).getFileName() + ".index-header"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            BucketStore third = open(bucket, 64 << 20, cacheDir);
            third.sync();
            assertEquals(want, Answers.render(engine.rangeQuery(third::querier, q, Workload.T0, Workload.T0 + 6 * H,
                    60_000)));
            assertEquals(firstGets - 4, third.bucketGets());
            assertTrue(third.corruptBlocks().isEmpty(), third.corruptBlocks().toString());
            // blocks that leave the bucket take their file with them
            Ulid gone = Ulid.parse(dirs.get(2).getFileName().toString());
            for (String name : bucket.list(gone + "/", true)) {
                bucket.delete(name);
            }
            third.sync();
            assertFalse(java.nio.file.Files.exists(cacheDir.resolve(gone + ".index-header")));
        }
    }

    static String metrics(BucketStore store) {
        MetricsText out = new MetricsText();
        store.writeMetrics(out);
        return out.toString();
    }

    static double value(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in " + metrics);
    }

    static void put(Bucket b, String name, String text) throws IOException {
        put(b, name, text.getBytes(StandardCharsets.UTF_8));
    }

    static void put(Bucket b, String name, byte[] bytes) throws IOException {
        b.upload(name, new ByteArrayInputStream(bytes), bytes.length);
    }

    static byte[] get(Bucket b, String name) throws IOException {
        try (InputStream in = b.get(name)) {
            return in.readAllBytes();
        }
    }
}
