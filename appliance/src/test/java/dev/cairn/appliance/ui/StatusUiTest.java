package dev.cairn.appliance.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.appliance.compact.CompactorStatus;
import dev.cairn.appliance.query.Endpoint;
import dev.cairn.appliance.query.EndpointInfo;
import dev.cairn.appliance.query.EndpointSet;
import dev.cairn.appliance.query.TlsSettings;
import dev.cairn.appliance.web.Route;
import dev.cairn.appliance.web.Routes;
import dev.cairn.appliance.web.WebRequest;
import dev.cairn.appliance.web.WebResponse;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.ship.BlockDeletion;
import dev.cairn.tsdb.ship.Upload;
import dev.cairn.tsdb.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UI's JSON and files without a browser: Thanos's shapes, methods, and what is not served. */
class StatusUiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_704_067_200_000L;

    @TempDir
    Path tmp;

    private static JsonNode data(WebResponse r) throws Exception {
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        JsonNode root = JSON.readTree(r.body());
        assertEquals("success", root.path("status").asText(), root.toString());
        return root.path("data");
    }

    private BlockMeta upload(FilesystemBucket b) throws Exception {
        Path local = Files.createTempDirectory(tmp, "local");
        Ulid id = Ulid.generate();
        try (BlockWriter w = BlockWriter.create(local, BlockWriter.Options.defaults().withUlid(id)
                .withRange(T0, T0 + 7_200_000))) {
            Labels l = Labels.of("__name__", "up", "job", "node");
            Samples s = new Samples(l);
            for (long t = T0; t < T0 + 7_200_000; t += 30_000) {
                s.add(t, 1);
            }
            w.addSeries(l, s.iterator(null));
            w.commit();
        }
        return Upload.upload(b, local.resolve(id.toString()), Upload.Options.of(Map.of("cluster", "eu1"), "sidecar"));
    }

    @Test
    void blocks_thanosBucketWebShape_withMarksAndCachedForAFewSeconds() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicLong now = new AtomicLong(1_800_000_000_000L);
        try (FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
             EndpointSet endpoints = new EndpointSet(pool, 1000, now::get)) {
            BlockMeta m = upload(bucket);
            StatusUi ui = new StatusUi(bucket, endpoints, null, now::get);
            JsonNode d = data(handle(ui, "GET", "/api/v1/blocks", Map.of()));
            assertEquals("", d.path("label").asText());
            assertTrue(d.path("err").isNull(), d.toString());
            assertEquals(Instant.ofEpochMilli(now.get()).toString(), d.path("refreshedAt").asText());
            assertEquals(1, d.path("blocks").size());
            JsonNode b = d.path("blocks").get(0);
            // the fields Thanos's block viewer reads (pkg/ui/react-app .../blocks/block.ts)
            assertEquals(m.ulid().toString(), b.path("ulid").asText());
            assertEquals(T0, b.path("minTime").asLong());
            assertEquals(T0 + 7_200_000, b.path("maxTime").asLong());
            assertEquals(240, b.path("stats").path("numSamples").asLong());
            assertEquals(1, b.path("stats").path("numSeries").asLong());
            assertEquals(1, b.path("compaction").path("level").asInt());
            assertEquals(m.ulid().toString(), b.path("compaction").path("sources").get(0).asText());
            assertEquals(0, b.path("thanos").path("downsample").path("resolution").asLong());
            assertEquals("sidecar", b.path("thanos").path("source").asText());
            assertEquals("eu1", b.path("thanos").path("labels").path("cluster").asText());
            assertEquals(0, d.path("marks").size());

            BlockDeletion.mark(bucket, m.ulid(), "replaced", Instant.ofEpochSecond(1_800_000_100L));
            now.addAndGet(1000);
            assertEquals(0, data(handle(ui, "GET", "/api/v1/blocks", Map.of())).path("marks").size(),
                    "within the refresh interval the last listing is served");
            now.addAndGet(BlocksView.REFRESH_MS);
            JsonNode mark = data(handle(ui, "GET", "/api/v1/blocks", Map.of())).path("marks").path(m.ulid().toString());
            assertEquals(1_800_000_100L, mark.path("deletion").path("deletion_time").asLong(), mark.toString());
            assertEquals("replaced", mark.path("deletion").path("details").asText());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void storesAndCompactor_shapes() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicLong now = new AtomicLong(1_800_000_000_000L);
        try (FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
             EndpointSet endpoints = new EndpointSet(pool, 5000, now::get)) {
            endpoints.addStatic(Endpoint.of("local", (mint, maxt) -> null,
                    () -> new EndpointInfo(T0, T0 + 1000, List.of(Labels.of("cluster", "eu1")))), TlsSettings.PLAINTEXT);
            endpoints.addStatic(Endpoint.of("broken:10901", (mint, maxt) -> null, () -> {
                throw new IllegalStateException("connection refused");
            }), TlsSettings.PLAINTEXT);
            endpoints.refresh();
            CompactorStatus compactor = new CompactorStatus();
            StatusUi ui = new StatusUi(bucket, endpoints, compactor, now::get);
            JsonNode stores = data(handle(ui, "GET", "/api/v1/stores", Map.of())).path("store");
            assertEquals(2, stores.size(), stores.toString());
            JsonNode broken = stores.get(0);
            assertEquals("broken:10901", broken.path("name").asText());
            assertTrue(!broken.path("healthy").asBoolean() && broken.path("lastError").asText().contains("connection refused"),
                    broken.toString());
            assertTrue(broken.path("minTime").isNull(), "never answered: no time range");
            JsonNode local = stores.get(1);
            assertTrue(local.path("healthy").asBoolean() && local.path("lastError").isNull(), local.toString());
            assertEquals(Instant.ofEpochMilli(now.get()).toString(), local.path("lastCheck").asText());
            assertEquals("eu1", local.path("labelSets").get(0).path("cluster").asText());
            assertEquals(T0, local.path("minTime").asLong());
            assertEquals(T0 + 1000, local.path("maxTime").asLong());

            JsonNode c = data(handle(ui, "GET", "/api/v1/compactor", Map.of()));
            assertEquals("running", c.path("state").asText());
            assertTrue(c.path("lastSuccess").isNull());
            JsonNode disabled = data(handle(new StatusUi(bucket, endpoints, null, now::get), "GET",
                    "/api/v1/compactor", Map.of()));
            assertEquals("disabled", disabled.path("state").asText());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void files_onlyTheListedOnes_andOnlyGet() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("bucket"))) {
            StatusUi ui = new StatusUi(bucket, new EndpointSet(pool, 1, () -> 0), null, () -> 0);
            WebResponse index = handle(ui, "GET", "/", Map.of());
            assertEquals("text/html; charset=utf-8", index.contentType());
            String html = new String(index.body(), StandardCharsets.UTF_8);
            assertTrue(html.contains("<script src=\"/static/app.js\">"), html);
            assertTrue(!html.contains("http://") && !html.contains("https://"), "nothing fetched from elsewhere");
            assertEquals("text/javascript; charset=utf-8", handle(ui, "GET", "/static/app.js", Map.of()).contentType());
            assertEquals(404, handle(ui, "GET", "/static/../StatusUi.class", Map.of()).status());
            assertEquals(404, handle(ui, "GET", "/static/", Map.of()).status());
            assertNull(handle(ui, "GET", "/api/v1/query", Map.of()), "the Prometheus API's paths are left to it");
            assertNull(handle(ui, "POST", "/api/v1/blocks", Map.of()), "other methods are left to the API (405/404)");
        } finally {
            pool.shutdownNow();
        }
    }

    /** What the UI's routes answer to one request, as the HTTP server would route it; null when none matches. */
    private static WebResponse handle(StatusUi ui, String method, String path, Map<String, String> headers)
            throws Exception {
        Routes routes = new Routes();
        ui.mount(routes);
        Route route = routes.route(method, path);
        io.netty.handler.codec.http.HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
        headers.forEach(h::add);
        return route == null ? null : route.handle(new WebRequest(method, path, Map.of(), h, new byte[0], null, null, null));
    }
}
