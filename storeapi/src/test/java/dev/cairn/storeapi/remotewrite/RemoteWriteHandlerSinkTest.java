package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** What the sender is told when the sink fails: retry (500) or drop (400). No sockets: EmbeddedChannel. */
class RemoteWriteHandlerSinkTest {

    private static FullHttpResponse post(RemoteWriteSink sink, RemoteWriteVersion version) throws IOException {
        EmbeddedChannel ch = new EmbeddedChannel(new RemoteWriteHandler("/api/v1/write", sink, 1 << 20));
        byte[] body;
        if (version == RemoteWriteVersion.V1) {
            body = WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                    .addSamples(Sample.newBuilder().setTimestamp(1).setValue(1))).build().toByteArray();
        } else {
            body = dev.cairn.storeapi.pb.writev2.Request.newBuilder().addSymbols("").addSymbols("__name__").addSymbols("up")
                    .addTimeseries(dev.cairn.storeapi.pb.writev2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2)
                            .addSamples(dev.cairn.storeapi.pb.writev2.Sample.newBuilder().setTimestamp(1).setValue(1)))
                    .build().toByteArray();
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/v1/write",
                Unpooled.wrappedBuffer(Snappy.compress(body)));
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, version.contentType());
        req.headers().set(HttpHeaderNames.CONTENT_ENCODING, "snappy");
        ch.writeInbound(req);
        FullHttpResponse resp = ch.readOutbound();
        ch.finishAndReleaseAll();
        return resp;
    }

    private static String text(FullHttpResponse r) {
        String s = r.content().toString(StandardCharsets.UTF_8);
        r.release();
        return s;
    }

    @Test
    void sinkIoFailure_is500_soTheSenderRetries() throws Exception {
        FullHttpResponse r = post(series -> {
            throw new IOException("disk full on /var/lib/cairn");
        }, RemoteWriteVersion.V1);
        assertEquals(500, r.status().code());
        assertTrue(text(r).contains("disk full on /var/lib/cairn"));
    }

    @Test
    void sinkRejection_is400_soTheSenderDrops() throws Exception {
        FullHttpResponse r = post(series -> {
            throw new WriteRejectedException("out of order sample for {__name__=\"up\"}");
        }, RemoteWriteVersion.V1);
        assertEquals(400, r.status().code());
        assertTrue(text(r).contains("out of order sample"));
    }

    @Test
    void sinkBug_is500_andTheChannelSurvives() throws Exception {
        FullHttpResponse r = post(series -> {
            throw new IllegalStateException("bug");
        }, RemoteWriteVersion.V1);
        assertEquals(500, r.status().code());
        text(r);
    }

    @Test
    void v2Failure_reportsZeroSamplesWritten() throws Exception {
        FullHttpResponse r = post(series -> {
            throw new IOException("closed");
        }, RemoteWriteVersion.V2);
        assertEquals(500, r.status().code());
        assertEquals("0", r.headers().get("X-Prometheus-Remote-Write-Samples-Written"));
        text(r);
        FullHttpResponse ok = post(series -> { }, RemoteWriteVersion.V2);
        assertEquals(204, ok.status().code());
        assertEquals("1", ok.headers().get("X-Prometheus-Remote-Write-Samples-Written"));
        ok.release();
    }
}
