package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.pb.writev2.Request;
import dev.cairn.tsdb.labels.Labels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The handler over a real socket: status codes and reasons as Prometheus's senders expect them. */
class RemoteWriteHandlerTest {
    private static final int LIMIT = 1 << 20;
    private static RemoteWriteTestServer server;
    private static RemoteWriteSender sender;

    @BeforeAll
    static void start() throws Exception {
        server = new RemoteWriteTestServer(LIMIT);
        sender = new RemoteWriteSender(server.url());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static TimeSeries series(String... nameValues) {
        TimeSeries.Builder ts = TimeSeries.newBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            ts.addLabels(Label.newBuilder().setName(nameValues[i]).setValue(nameValues[i + 1]));
        }
        return ts.addSamples(Sample.newBuilder().setTimestamp(1_700_000_000_000L).setValue(42.5)).build();
    }

    private static List<DecodedSeries> receivedWith(String job) {
        return server.received().stream().filter(s -> s.labels().get("job").equals(job)).toList();
    }

    @Test
    void post_validRequest_is204AndReachesSink() throws Exception {
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "up", "instance", "a:9100", "job", "valid"))
                .addTimeseries(series("__name__", "up", "instance", "b:9100", "job", "valid")).build();
        RemoteWriteSender.Response resp = sender.send(req);
        assertEquals(204, resp.status(), resp.body());
        List<DecodedSeries> got = receivedWith("valid");
        assertEquals(2, got.size());
        assertEquals(Labels.of("__name__", "up", "instance", "a:9100", "job", "valid"), got.get(0).labels());
        assertArrayEquals(new long[] {1_700_000_000_000L}, got.get(0).timestamps());
        assertArrayEquals(new double[] {42.5}, got.get(0).values());
    }

    @Test
    void post_badSnappy_is400WithReason() throws Exception {
        byte[] junk = {(byte) 0x10, 1, 2, 3, 4, 5};
        RemoteWriteSender.Response resp = sender.sendRaw(RemoteWriteVersion.V1, junk);
        assertEquals(400, resp.status());
        assertTrue(resp.body().contains("snappy"), resp.body());
    }

    @Test
    void post_badProtobuf_is400WithReason() throws Exception {
        byte[] notProto = Snappy.compress(new byte[] {(byte) 0x0a, (byte) 0xff, 0x01, 0x02});
        RemoteWriteSender.Response resp = sender.sendRaw(RemoteWriteVersion.V1, notProto);
        assertEquals(400, resp.status());
        assertTrue(resp.body().contains("not a valid prometheus.WriteRequest"), resp.body());
    }

    @Test
    void post_unsortedDuplicateOrNamelessSeries_is400_butValidSeriesAreKept() throws Exception {
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(series("__name__", "up", "job", "mixed", "a", "1"))
                .addTimeseries(series("__name__", "up", "job", "mixed", "job", "mixed"))
                .addTimeseries(series("job", "mixed"))
                .addTimeseries(series("__name__", "", "job", "mixed"))
                .addTimeseries(series("__name__", "up", "instance", "ok", "job", "mixed")).build();
        RemoteWriteSender.Response resp = sender.send(req);
        assertEquals(400, resp.status(), resp.body());
        assertTrue(resp.body().startsWith("4 series refused"), resp.body());
        assertTrue(resp.body().contains("labels not sorted by name: \"job\" before \"a\""), resp.body());
        assertTrue(resp.body().contains("duplicate label name \"job\""), resp.body());
        assertTrue(resp.body().contains("no metric name"), resp.body());
        assertTrue(resp.body().contains("invalid metric name \"\""), resp.body());
        List<DecodedSeries> got = receivedWith("mixed");
        assertEquals(1, got.size());
        assertEquals("ok", got.get(0).labels().get("instance"));
    }

    @Test
    void post_decompressesOverLimit_is413() throws Exception {
        byte[] zeros = new byte[LIMIT + 1]; // compresses to a few KiB
        RemoteWriteSender.Response resp = sender.sendRaw(RemoteWriteVersion.V1, Snappy.compress(zeros));
        assertEquals(413, resp.status());
        assertTrue(resp.body().contains("over this server's limit"), resp.body());
    }

    @Test
    void post_compressedBodyOverTransportLimit_is413() throws Exception {
        byte[] big = new byte[new RemoteWriteDecoder(LIMIT).maxCompressed() + 1];
        new Random(1).nextBytes(big);
        int status = sender.sendRaw(RemoteWriteVersion.V1, big).status();
        assertEquals(413, status);
    }

    @Test
    void post_wrongContentTypeOrEncoding_is415() throws Exception {
        byte[] body = Snappy.compress(WriteRequest.getDefaultInstance().toByteArray());
        assertEquals(415, sender.sendRaw("text/plain", "snappy", "0.1.0", body).status());
        assertEquals(415, sender.sendRaw("application/x-protobuf", "gzip", "0.1.0", body).status());
        RemoteWriteSender.Response resp = sender.sendRaw("application/x-protobuf;proto=foo.Bar", "snappy", "2.0.0", body);
        assertEquals(415, resp.status());
        assertTrue(resp.body().contains("foo.Bar"), resp.body());
        // no headers at all: Prometheus assumes 1.0 + snappy, so do we
        assertEquals(204, sender.sendRaw(null, null, null, body).status());
    }

    @Test
    void get_is405() throws Exception {
        HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, resp.statusCode());
        assertEquals("POST", resp.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void post_v2Request_is204WithWrittenHeaders() throws Exception {
        Request req = Request.newBuilder()
                .addAllSymbols(List.of("", "__name__", "up", "job", "v2"))
                .addTimeseries(dev.cairn.storeapi.pb.writev2.TimeSeries.newBuilder()
                        .addAllLabelsRefs(List.of(1, 2, 3, 4))
                        .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(5).setValue(1))
                        .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(6).setValue(2)))
                .build();
        HttpResponse<String> resp = postV2(req);
        assertEquals(204, resp.statusCode(), resp.body());
        assertEquals("2", resp.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(""));
        List<DecodedSeries> got = receivedWith("v2");
        assertEquals(1, got.size());
        assertArrayEquals(new long[] {5, 6}, got.get(0).timestamps());
    }

    @Test
    void post_v2RefOutOfRange_is400() throws Exception {
        Request req = Request.newBuilder()
                .addAllSymbols(List.of("", "__name__", "up"))
                .addTimeseries(dev.cairn.storeapi.pb.writev2.TimeSeries.newBuilder()
                        .addAllLabelsRefs(List.of(1, 2, 1, 7))
                        .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(5).setValue(1)))
                .build();
        HttpResponse<String> resp = postV2(req);
        assertEquals(400, resp.statusCode());
        assertTrue(resp.body().contains("label ref 7 outside the symbol table of 3 symbols"), resp.body());
    }

    private static HttpResponse<String> postV2(Request req) throws Exception {
        HttpRequest http = HttpRequest.newBuilder(server.url())
                .header("Content-Type", RemoteWriteVersion.V2.contentType())
                .header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "2.0.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build();
        return HttpClient.newHttpClient().send(http, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void post_randomBytes_neverCrashTheServer() throws Exception {
        Random r = new Random(2026);
        long deadline = System.nanoTime() + 20_000_000_000L;
        int sent = 0;
        for (int i = 0; i < 300 && System.nanoTime() < deadline; i++) {
            byte[] raw = new byte[r.nextInt(2048)];
            r.nextBytes(raw);
            // half raw garbage, half garbage that is valid snappy (so it reaches the protobuf decoders)
            byte[] body = r.nextBoolean() ? raw : Snappy.compress(raw);
            RemoteWriteVersion v = r.nextBoolean() ? RemoteWriteVersion.V1 : RemoteWriteVersion.V2;
            int status = sender.sendRaw(v, body).status();
            assertTrue(status == 204 || status == 400 || status == 413, "status " + status + " for random body " + i);
            sent++;
        }
        assertTrue(sent >= 50, "only " + sent + " random bodies sent in 20 s");
        // still serving
        assertEquals(204, sender.send(WriteRequest.newBuilder().addTimeseries(series("__name__", "alive", "job",
                "fuzz")).build()).status());
    }
}
