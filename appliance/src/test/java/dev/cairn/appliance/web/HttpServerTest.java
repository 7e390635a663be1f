package dev.cairn.appliance.web;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.RemoteWriteSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The appliance's HTTP port end to end, in process: routing, remote write on both paths, POST forms, /metrics. */
class HttpServerTest {
    @TempDir
    Path tmp;
    private ApplianceMain app;
    private String base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        app = ApplianceMain.start(ConfigLoader.load(null, tmp.resolve("data"), "127.0.0.1:0", "127.0.0.1:0"));
        base = "http://127.0.0.1:" + app.httpPort();
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WriteRequest one(String name, long t, double v) {
        return WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue(name))
                .addLabels(Label.newBuilder().setName("job").setValue("j"))
                .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v))).build();
    }

    @Test
    void remoteWrite_onBothPaths_isStoredAndCounted() throws Exception {
        assertEquals(204, new RemoteWriteSender(URI.create(base + "/api/v1/receive")).send(one("a", 1000, 1)).status());
        assertEquals(204, new RemoteWriteSender(URI.create(base + "/api/v1/write")).send(one("b", 1000, 2)).status());
        RemoteWriteSender.Response old = new RemoteWriteSender(URI.create(base + "/api/v1/write")).send(one("a", 500, 3));
        assertEquals(400, old.status(), old.body());
        assertTrue(old.body().contains("out of order sample"), old.body());

        assertEquals("{\"status\":\"success\",\"data\":[\"a\",\"b\"]}", get("/api/v1/label/__name__/values").body());
        String metrics = get("/metrics").body();
        assertTrue(metrics.contains("\ncairn_receive_samples_ingested_total 2\n"), metrics);
        assertTrue(metrics.contains("\ncairn_receive_samples_rejected_total{reason=\"out_of_order\"} 1\n"), metrics);
        assertTrue(metrics.contains("\ncairn_tsdb_head_series 2\n"), metrics);
        assertTrue(metrics.contains("# TYPE cairn_receive_requests_total counter\n"), metrics);
    }

    @Test
    void apiPostForm_isReadLikeTheQueryString() throws Exception {
        new RemoteWriteSender(URI.create(base + "/api/v1/receive")).send(one("up", 1000, 1));
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/series"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("match%5B%5D=up&start=0&end=2")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"job\":\"j\"}]}", r.body());
    }

    @Test
    void probesAndUnknownPaths() throws Exception {
        assertEquals(200, get("/-/healthy").statusCode());
        assertEquals(200, get("/-/ready").statusCode());
        assertEquals(404, get("/nothing-here").statusCode());
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/receive")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
