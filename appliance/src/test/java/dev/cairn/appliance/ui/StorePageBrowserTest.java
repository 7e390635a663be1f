package dev.cairn.appliance.ui;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.appliance.query.EndpointSet;
import dev.cairn.appliance.store.BucketStore;
import dev.cairn.appliance.store.StoreStatus;
import dev.cairn.appliance.web.HttpServer;
import dev.cairn.appliance.web.Routes;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectAttributes;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.ship.Upload;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store page in a real headless Chromium ({@link Browser}, as {@link StatusUiBrowserTest}): raw blocks
 * shipped by the receiver and a 5m block show per resolution, the index headers and cache the queries loaded
 * match the store gateway's own counts, a block damaged under a query shows with its ULID and reason, and a
 * sync that fails (a bucket refusing its listing) shows its error while the last good sync's time stays.
 */
class StorePageBrowserTest {
    private static final long H = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    Path tmp;
    @TempDir
    static Path browserDir;
    static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start(browserDir);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void storePage_showsBlocksPerResolutionMemoryDamagedBlocksAndSyncError() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), """
                receive: {block_duration: 2h}
                store: {sync_interval: 1h}
                compact: {enabled: false}
                """);
        ApplianceConfig c = ConfigLoader.load(yaml, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0");
        try (ApplianceMain m = ApplianceMain.start(c)) {
            HeadAppender app = m.db().appender();
            for (long t = T0; t < T0 + 8 * H; t += 15_000) {
                app.append(Labels.of("__name__", "up", "instance", "a"), t, 1);
            }
            app.commit();
            m.db().compact();
            m.shipNow();
            // a 5m block far before the raw ones, as the compactor's downsampling leaves them
            uploadDownsampled(c, T0 - 48 * H, T0 - 8 * H);
            m.store().sync();
            List<BlockMeta> raw = new ArrayList<>(m.store().blocks().stream()
                    .filter(b -> b.thanos() == null || b.thanos().downsampleResolution() == 0).toList());
            raw.sort((x, y) -> Long.compare(x.minTime(), y.minTime()));
            assertTrue(raw.size() >= 3, raw.toString());
            BlockMeta damaged = raw.get(1);
            flip(c.bucketDir().resolve(damaged.ulid() + "/chunks/000001"), 8 + 100);
            // the receiver's copies of the blocks would answer too: only the bucket's are read past this point
            String q = "/api/v1/query_range?query=" + URLEncoder.encode("count_over_time(up[2h])", StandardCharsets.UTF_8)
                    + "&start=" + (T0 + 2 * H - 1) / 1000.0 + "&end=" + (T0 + 6 * H - 1) / 1000.0 + "&step=7200";
            String first = get(m, q);
            assertTrue(first.contains("bucket block " + damaged.ulid()), first);
            get(m, q);
            StoreStatus s = m.store().status();
            assertEquals(Map.of(damaged.ulid(), s.corrupt().get(damaged.ulid())), s.corrupt());
            assertTrue(s.cacheHits() > 0 && s.cacheMisses() > 0 && s.indexHeadersLoaded() > 0, s.toString());

            browser.open("http://127.0.0.1:" + m.httpPort() + "/#store");
            String rawCount = browser.text(browser.find("#store-blocks tr.store-resolution[data-resolution='raw'] td.num"));
            assertEquals(Integer.toString(raw.size()), rawCount);
            assertEquals("1", browser.text(browser.find("#store-blocks tr.store-resolution[data-resolution='5m'] td.num")));
            assertEquals(s.indexHeadersLoaded() + " of " + (raw.size() + 1), browser.text(browser.find("#store-headers")));
            assertEquals(Long.toString(s.cacheHits()), browser.text(browser.find("#store-cache-hits")));
            assertEquals(Long.toString(s.cacheMisses()), browser.text(browser.find("#store-cache-misses")));
            String cacheBytes = browser.text(browser.find("#store-cache-bytes"));
            assertTrue(cacheBytes.matches("\\d+(\\.\\d)? (B|KiB|MiB) of \\d+\\.\\d (MiB|GiB)"), cacheBytes);
            String lastSync = Instant.ofEpochMilli(s.lastSyncMs()).toString();
            assertEquals(lastSync, browser.text(browser.find("#store-last-sync")));
            String corruptRow = browser.find("#store-corrupt tr.corrupt-block[data-ulid='" + damaged.ulid() + "']");
            List<String> cells = browser.findAllIn(corruptRow, "td");
            assertEquals(damaged.ulid().toString(), browser.text(cells.get(0)));
            String reason = browser.text(cells.get(1));
            assertTrue(reason.contains("chunk checksum mismatch") && reason.contains("chunks/000001"), reason);
            assertTrue(browser.texts("#store-sync-error").stream().allMatch(String::isEmpty), "no sync error yet");
            browser.screenshot(SCREENSHOTS.resolve("store.png"));

            assertTrue(browser.text(browser.find("#store-sync")).contains(lastSync));
        }
    }

    @Test
    void storePage_bucketFailingItsListing_showsTheSyncErrorAndKeepsTheLastGoodSync() throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        try (FilesystemBucket fs = FilesystemBucket.open(tmp.resolve("bucket"));
             BucketStore store = new BucketStore(new Unreachable(fs, down), 1 << 20)) {
            store.sync();
            long good = store.status().lastSyncMs();
            down.set(true);
            assertThrows(IOException.class, store::sync);
            Routes routes = new Routes();
            new StatusUi(fs, new EndpointSet(Executors.newSingleThreadExecutor(), 1000, System::currentTimeMillis), null,
                    store, System::currentTimeMillis).mount(routes);
            HttpServer http = new HttpServer("127.0.0.1", 0, series -> {
                throw new IOException("no receiver in this test");
            }, null, List.of(), () -> true, 1 << 20, 2, routes, null);
            try {
                browser.open("http://127.0.0.1:" + http.port() + "/#store");
                String shown = browser.await(() -> {
                    String t = browser.text(browser.find("#store-sync-error"));
                    return t.isEmpty() ? null : t;
                }, "the sync error");
                assertTrue(shown.startsWith("The last sync failed at " + Instant.ofEpochMilli(
                        store.status().lastSyncErrorMs())) && shown.contains("connection refused by the test"), shown);
                assertEquals(Instant.ofEpochMilli(good).toString(), browser.text(browser.find("#store-last-sync")));
                assertEquals("1 syncs, 1 failed", browser.text(browser.find("#store-syncs")));
                assertEquals("None.", browser.text(browser.find("#store-no-corrupt")));
                browser.screenshot(SCREENSHOTS.resolve("store-sync-error.png"));
            } finally {
                http.close();
            }
        }
    }

    /** A bucket whose listing fails while {@code down} is set, as an object store that refuses connections. */
    private record Unreachable(Bucket in, AtomicBoolean down) implements Bucket {
        @Override
        public String name() {
            return in.name();
        }

        @Override
        public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
            if (down.get()) {
                throw new IOException("iter " + dir + " in bucket " + in.name() + ": connection refused by the test");
            }
            in.iter(dir, recursive, visitor);
        }

        @Override
        public InputStream get(String name) throws IOException {
            return in.get(name);
        }

        @Override
        public InputStream getRange(String name, long offset, long length) throws IOException {
            return in.getRange(name, offset, length);
        }

        @Override
        public boolean exists(String name) throws IOException {
            return in.exists(name);
        }

        @Override
        public ObjectAttributes attributes(String name) throws IOException {
            return in.attributes(name);
        }

        @Override
        public void upload(String name, InputStream data, long length) throws IOException {
            in.upload(name, data, length);
        }

        @Override
        public void upload(String name, Path file) throws IOException {
            in.upload(name, file);
        }

        @Override
        public void delete(String name) throws IOException {
            in.delete(name);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static void uploadDownsampled(ApplianceConfig c, long mint, long maxt) throws Exception {
        Path local = Files.createTempDirectory(c.dataDir(), "downsampled");
        Ulid id = Ulid.generate();
        try (BlockWriter w = BlockWriter.create(local, BlockWriter.Options.defaults().withUlid(id).withRange(mint, maxt))) {
            Labels l = Labels.of("__name__", "up", "instance", "old");
            Samples s = new Samples(l);
            for (long t = mint; t < maxt; t += 300_000) {
                s.add(t, 1);
            }
            w.addSeries(l, s.iterator(null));
            w.commit();
        }
        Path dir = local.resolve(id.toString());
        MetaJson.write(dir, MetaJson.read(dir).withThanos(new ThanosMeta(Map.of("cluster", "old"), 300_000, "compactor")));
        try (FilesystemBucket b = FilesystemBucket.open(c.bucketDir())) {
            Upload.upload(b, dir, Upload.Options.of(Map.of("cluster", "old"), "compactor"));
        }
    }

    private static void flip(Path file, long offset) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }

    private static String get(ApplianceMain m, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + m.httpPort() + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
