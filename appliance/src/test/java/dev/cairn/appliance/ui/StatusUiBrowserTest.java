package dev.cairn.appliance.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.RemoteWriteSender;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.ship.BlockDeletion;
import dev.cairn.tsdb.ship.MetaFetcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status UI in a real headless Chromium (through chromedriver, {@link Browser}) against an appliance
 * started in-process: remote-written series show in the query page's table and as SVG paths of the graph,
 * an unreachable endpoint as a warning and as a DOWN row, blocks after a cut and ship on the blocks page
 * with their deletion marks, and the compactor's state (running; halted with its reason).
 */
class StatusUiBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STEP_MS = 15_000;
    private static final int SAMPLES = 61; // 15 minutes
    /** Pictures of the pages as the tests left them, for a person to look at. */
    private static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    @TempDir
    static Path tmp;
    static Browser browser;
    static ApplianceMain appliance;
    static String url;
    static int deadPort;
    /** Timestamps written, the same for both series. */
    static final List<Long> written = new ArrayList<>();
    static long lastWrittenMs;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed again: an endpoint that never answers
        }
        Path yaml = Files.writeString(tmp.resolve("appliance.yaml"), """
                external_labels: {cluster: ui-test}
                receive: {block_duration: 5m}
                query: {endpoints: ["127.0.0.1:%d"], timeout: 10s}
                compact: {interval: 1h}
                """.formatted(deadPort));
        appliance = ApplianceMain.start(ConfigLoader.load(yaml, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0"));
        url = "http://127.0.0.1:" + appliance.httpPort();
        long end = System.currentTimeMillis() / 1000 * 1000;
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (String[] inst : new String[][] {{"a", "1"}, {"b", "2"}}) {
            TimeSeries.Builder ts = TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("ui_test_metric"))
                    .addLabels(Label.newBuilder().setName("instance").setValue(inst[0]))
                    .addLabels(Label.newBuilder().setName("job").setValue("ui"));
            for (int i = 0; i < SAMPLES; i++) {
                long t = end - (SAMPLES - 1 - i) * STEP_MS;
                ts.addSamples(Sample.newBuilder().setTimestamp(t).setValue(i * Integer.parseInt(inst[1])));
                if (inst[0].equals("a")) {
                    written.add(t);
                }
            }
            req.addTimeseries(ts);
        }
        lastWrittenMs = end;
        RemoteWriteSender.Response r = new RemoteWriteSender(URI.create(url + "/api/v1/receive")).send(req.build());
        assertEquals(204, r.status(), r.body());
        browser = Browser.start(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (appliance != null) {
                appliance.close();
            }
        }
    }

    @Test
    void queryPage_remoteWrittenSeries_showsTableRowsAndGraphPaths() throws Exception {
        browser.open(url + "/");
        String expr = browser.find("#expr");
        browser.clear(expr);
        browser.type(expr, "ui_test_metric");
        // a fixed end (the last sample) so this test can ask the API the same range query
        long endS = lastWrittenMs / 1000;
        String end = browser.find("#end");
        browser.clear(end);
        browser.type(end, Long.toString(endS));
        browser.click(browser.find("#run"));

        List<String> rows = browser.await(() -> {
            List<String> t = browser.texts("#result-table tbody tr.result-row");
            return t.size() == 2 ? t : null;
        }, "two result rows");
        // the appliance's external labels are on its own series too (as Thanos's receive shows them), so that
        // a series read partly from the head and partly from the bucket is one series
        assertEquals(List.of("ui_test_metric{cluster=\"ui-test\", instance=\"a\", job=\"ui\"} 60",
                "ui_test_metric{cluster=\"ui-test\", instance=\"b\", job=\"ui\"} 120"), rows.stream().map(s -> s.replace('\n', ' ').replace('\t', ' ')).sorted().toList());

        List<String> paths = browser.await(() -> {
            List<String> p = browser.findAll("#graph path.series");
            return p.size() == 2 ? p : null;
        }, "two graph paths");
        // the browser asked for [end-1h, end] at a 14s step (1h/250 rounded): so do we
        JsonNode api = JSON.readTree(get("/api/v1/query_range?query=ui_test_metric&start=" + (endS - 3600) + "&end="
                + endS + "&step=14"));
        JsonNode result = api.path("data").path("result");
        assertEquals(2, result.size(), api.toString());
        for (int i = 0; i < 2; i++) {
            String d = browser.attribute(paths.get(i), "d");
            String series = browser.attribute(paths.get(i), "data-series");
            List<double[]> points = points(d);
            JsonNode values = null;
            for (JsonNode s : result) {
                if (series.contains("instance=\"" + s.path("metric").path("instance").asText() + "\"")) {
                    values = s.path("values");
                }
            }
            assertTrue(values != null, "a series of the API answer for path " + series);
            assertEquals(values.size(), points.size(), "one path point per value of " + series + ": " + d);
            assertEquals(1, d.chars().filter(c -> c == 'M').count(), "no gaps in " + series + ": " + d);
            // values only grow, and SVG's y axis points down
            assertTrue(points.get(0)[1] > points.get(points.size() - 1)[1], "rising line for " + series + ": " + d);
            for (int k = 1; k < points.size(); k++) {
                assertTrue(points.get(k)[0] > points.get(k - 1)[0], "time runs left to right: " + d);
            }
        }
        browser.screenshot(SCREENSHOTS.resolve("query.png"));
        // the configured endpoint that never answers: every query carries Thanos's partial-response warning
        List<String> warnings = browser.texts("#query-warnings li");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("127.0.0.1:" + deadPort) && w.contains("unhealthy")),
                warnings.toString());
    }

    @Test
    void queryPage_badExpression_showsTheParseError() throws Exception {
        browser.open(url + "/#query");
        String expr = browser.find("#expr");
        browser.clear(expr);
        browser.type(expr, "sum(ui_test_metric");
        browser.click(browser.find("#run"));
        String error = browser.await(() -> {
            String t = browser.text(browser.find("#query-error"));
            return t.isEmpty() ? null : t;
        }, "the error box");
        assertTrue(error.startsWith("bad_data: ") && error.contains("parse error"), error);
        assertTrue(browser.findAll("#result-table tbody tr.result-row").isEmpty(), "no rows for a failed query");
    }

    @Test
    void endpointsPage_showsLocalUpAndDeadEndpointDownWithItsError() throws Exception {
        browser.open(url + "/#endpoints");
        // the local head, the store gateway over the bucket, and the configured endpoint that never answers
        browser.await(() -> browser.findAll("#endpoints tbody tr.endpoint").size() == 3 ? true : null,
                "three endpoints");
        String local = browser.find("#endpoints tbody tr[data-name=local]");
        assertTrue(browser.text(local).contains("UP"), browser.text(local));
        String dead = browser.find("#endpoints tbody tr[data-name='127.0.0.1:" + deadPort + "']");
        String text = browser.text(dead);
        assertTrue(text.contains("DOWN") && text.contains("info call failed"), text);
        browser.screenshot(SCREENSHOTS.resolve("endpoints.png"));
    }

    @Test
    void agentsPage_noAgentHasReported_saysNoAgentsRegistered() throws Exception {
        browser.open(url + "/#agents");
        String empty = browser.find("#agents-empty");
        assertEquals("No agents registered.", browser.await(() -> {
            String t = browser.text(empty);
            return t.isEmpty() ? null : t;
        }, "the empty-agents note"));
        assertTrue(browser.text(browser.find("#agents-error")).isEmpty(), "an empty registry is no error");
    }

    @Test
    void blocksPage_afterCutAndShip_showsEachBlockOnTheRawTimelineAndItsDeletionMark() throws Exception {
        appliance.db().compact(); // the Db's own loop may have cut them already
        assertTrue(!appliance.db().blocks().isEmpty(), "the receiver cut 5m blocks of the 15 minutes written");
        List<BlockMeta> cut = appliance.db().blocks().stream().map(Block::meta).toList();
        appliance.shipNow();
        Set<String> shipped = new TreeSet<>();
        try (FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("data").resolve("bucket"))) {
            new MetaFetcher(bucket, 2).fetch().metas().keySet().forEach(u -> shipped.add(u.toString()));
        }
        assertEquals(cut.stream().map(m -> m.ulid().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new)),
                shipped, "every cut block is in the bucket");

        browser.open(url + "/#blocks");
        // the appliance keeps a listing for a few seconds: refresh until it has the shipped blocks
        Set<String> shown = browser.await(() -> {
            Set<String> u = ulids("div.timeline[data-resolution=raw] rect.block");
            if (!u.equals(shipped)) {
                browser.click(browser.find("#blocks-refresh"));
                return null;
            }
            return u;
        }, "the shipped blocks on the raw timeline");
        assertEquals(shipped, shown);
        assertTrue(browser.findAll("div.timeline[data-resolution='5m']").isEmpty(), "no downsampled blocks yet");

        for (String row : browser.findAll("#blocks tbody tr.block-row")) {
            List<String> cells = new ArrayList<>();
            for (String td : browserCells(row)) {
                cells.add(browser.text(td));
            }
            long from = Instant.parse(cells.get(1)).toEpochMilli();
            long until = Instant.parse(cells.get(2)).toEpochMilli();
            long inRange = written.stream().filter(t -> t >= from && t < until).count();
            assertEquals("raw", cells.get(4));
            assertEquals("1", cells.get(5), "level of a cut block");
            assertEquals("receive", cells.get(6));
            assertEquals("2", cells.get(7), "both series");
            assertEquals(Long.toString(2 * inRange), cells.get(8), "samples written in [" + cells.get(1) + ", "
                    + cells.get(2) + ")");
            assertTrue(cells.get(10).contains("cluster=\"ui-test\""), cells.get(10));
        }

        // a deletion mark shows on the block
        String marked = shipped.iterator().next();
        try (FilesystemBucket bucket = FilesystemBucket.open(tmp.resolve("data").resolve("bucket"))) {
            BlockDeletion.mark(bucket, dev.cairn.tsdb.block.Ulid.parse(marked), "ui test", Instant.now());
        }
        String marks = browser.await(() -> {
            browser.click(browser.find("#blocks-refresh"));
            String row = browser.find("#blocks tbody tr.block-row[data-ulid='" + marked + "'] td.marks");
            String t = browser.text(row);
            return t.isEmpty() ? null : t;
        }, "the deletion mark of " + marked);
        assertTrue(marks.startsWith("deletion marked ") && marks.contains("(ui test)"), marks);
        // the last refresh clicked above may still redraw the timeline: an element found before it is stale
        // after it, so look again until the drawing holds still
        String rectCss = "rect.block[data-ulid='" + marked + "']";
        String rectClass = browser.await(() -> {
            String c = browser.attribute(browser.find(rectCss), "class");
            return c != null && c.contains("marked") ? c : null;
        }, "the marked block on the timeline");
        assertTrue(rectClass.contains("marked"), rectClass);

        String detail = browser.await(() -> {
            browser.click(browser.find(rectCss));
            String t = browser.text(browser.find("#block-detail"));
            return t.contains(marked) ? t : null;
        }, "the block's details after a click");
        assertTrue(detail.contains("level 1, source receive"), detail);

        browser.screenshot(SCREENSHOTS.resolve("blocks.png"));
        // the compactor ran once at start (nothing to do yet) and waits an hour for the next run
        String state = browser.find("#compactor-state");
        assertEquals("running", browser.text(state));
        String last = browser.text(browser.find("#compactor-last"));
        assertTrue(last.matches("last successful run: \\d{4}-\\d\\d-\\d\\dT.*"), last);
    }

    @Test
    void blocksPage_haltedCompactor_showsHaltedWithItsReason() throws Exception {
        Path data = tmp.resolve("halted");
        // as ApplianceCompactionTest: a directory where the lock object goes fails every compactor write
        Files.createDirectories(data.resolve("bucket").resolve("cairn-compactor.lock").resolve("x"));
        Path yaml = Files.writeString(tmp.resolve("halted.yaml"), "compact: {interval: 1s}\n");
        try (ApplianceMain m = ApplianceMain.start(ConfigLoader.load(yaml, data, "127.0.0.1:0", "127.0.0.1:0"))) {
            browser.open("http://127.0.0.1:" + m.httpPort() + "/#blocks");
            String state = browser.await(() -> {
                String t = browser.text(browser.find("#compactor-state"));
                if (!t.equals("halted")) {
                    browser.click(browser.find("#blocks-refresh"));
                    return null;
                }
                return t;
            }, "the halted compactor");
            assertEquals("halted", state);
            String reason = browser.text(browser.find("#compactor-reason"));
            assertEquals("Halted: " + m.compactor().status().haltReason(), reason);
            assertTrue(reason.contains("cairn-compactor.lock"), reason);
            assertTrue(browser.text(browser.find("#no-blocks")).contains("no blocks"), "an empty bucket says so");
        }
    }

    private static List<String> browserCells(String row) throws Exception {
        return browser.findAllIn(row, "td");
    }

    private static Set<String> ulids(String css) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String e : browser.findAll(css)) {
            out.add(browser.attribute(e, "data-ulid"));
        }
        return out;
    }

    private static List<double[]> points(String d) {
        List<double[]> out = new ArrayList<>();
        Matcher m = Pattern.compile("[ML](-?[\\d.]+),(-?[\\d.]+)").matcher(d);
        while (m.find()) {
            out.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        return out;
    }

    private static String get(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + pathAndQuery))
                .timeout(java.time.Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), pathAndQuery + ": " + r.body());
        return r.body();
    }
}
