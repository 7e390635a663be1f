package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.writev2.Metadata;
import dev.cairn.storeapi.pb.writev2.Request;
import dev.cairn.storeapi.pb.writev2.Sample;
import dev.cairn.storeapi.pb.writev2.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.tsdb.labels.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteV2DecoderTest {
    private static final List<String> SYMBOLS = List.of("", "__name__", "http_requests_total", "job", "api", "help me");

    private static DecodedWrite decode(TimeSeries.Builder... series) throws RemoteWriteException {
        Request.Builder req = Request.newBuilder().addAllSymbols(SYMBOLS);
        for (TimeSeries.Builder s : series) {
            req.addTimeseries(s);
        }
        byte[] b = req.build().toByteArray();
        return new WriteV2Decoder().decode(b, 0, b.length);
    }

    private static TimeSeries.Builder series(Integer... refs) {
        return TimeSeries.newBuilder().addAllLabelsRefs(List.of(refs))
                .addSamples(Sample.newBuilder().setTimestamp(10).setValue(1.5));
    }

    @Test
    void decode_resolvesSymbolRefs() throws Exception {
        DecodedWrite w = decode(series(1, 2, 3, 4).setMetadata(Metadata.newBuilder()
                .setType(Metadata.MetricType.METRIC_TYPE_COUNTER).setHelpRef(5).setUnitRef(0)));
        assertTrue(w.rejected().isEmpty(), w.rejected().toString());
        assertEquals(Labels.of("__name__", "http_requests_total", "job", "api"), w.series().get(0).labels());
        assertEquals(1, w.samples());
    }

    @Test
    void decode_badRefsAndEmptySeries_areRejectedWithReasons_othersKept() throws Exception {
        DecodedWrite w = decode(
                series(1, 2, 3, 6),                                   // value ref past the end
                series(1, 2, 3),                                      // odd count
                series(1, 2).setMetadata(Metadata.newBuilder().setHelpRef(99)),
                TimeSeries.newBuilder().addAllLabelsRefs(List.of(1, 2)), // no samples
                series(3, 4, 1, 2),                                   // unsorted
                series(1, 2, 3, 4));                                  // fine
        assertEquals(1, w.series().size());
        assertEquals(5, w.rejected().size(), w.rejected().toString());
        assertTrue(w.rejected().get(0).contains("label ref 6 outside the symbol table of 6 symbols"), w.rejected().get(0));
        assertTrue(w.rejected().get(1).contains("odd number of label refs (3)"), w.rejected().get(1));
        assertTrue(w.rejected().get(2).contains("metadata help or unit ref"), w.rejected().get(2));
        assertTrue(w.rejected().get(3).contains("has no sample nor histogram"), w.rejected().get(3));
        assertTrue(w.rejected().get(4).contains("labels not sorted"), w.rejected().get(4));
    }

    @Test
    void decode_hugeUnsignedRef_isRejectedNotThrown() throws Exception {
        DecodedWrite w = decode(series(1, 2, 3, -1)); // uint32 0xFFFFFFFF
        assertTrue(w.rejected().get(0).contains("label ref 4294967295 outside"), w.rejected().get(0));
    }

    @Test
    void decode_v1BodyAsV2_isAnEmptyRequestAsUpstreamIntends() throws Exception {
        // fields 1-3 are reserved in v2 so a 1.0 message read as 2.0 decodes to nothing instead of garbage
        byte[] v1 = WriteRequest.newBuilder().addTimeseries(dev.cairn.storeapi.pb.prometheus.TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue("up"))).build().toByteArray();
        DecodedWrite w = new WriteV2Decoder().decode(v1, 0, v1.length);
        assertEquals(0, w.series().size());
        assertTrue(w.rejected().isEmpty());
    }

    @Test
    void decode_garbage_is400() {
        byte[] junk = {(byte) 0x22, (byte) 0xff, (byte) 0xff};
        RemoteWriteException e = assertThrows(RemoteWriteException.class, () -> new WriteV2Decoder().decode(junk, 0, 3));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("io.prometheus.write.v2.Request"), e.getMessage());
    }
}
