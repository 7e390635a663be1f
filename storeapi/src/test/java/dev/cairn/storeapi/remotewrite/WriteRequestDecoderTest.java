package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.storeapi.pb.prometheus.Exemplar;
import dev.cairn.storeapi.pb.prometheus.Histogram;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.MetricMetadata;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The hand-written 1.0 decoder against protobuf-java's generated parser as the oracle: same
 * series, same samples bit for bit, same verdict on damaged bytes.
 */
class WriteRequestDecoderTest {

    static WriteRequest randomRequest(Random r) {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        int nseries = r.nextInt(20);
        for (int s = 0; s < nseries; s++) {
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            TreeMap<String, String> labels = new TreeMap<>();
            labels.put("__name__", "metric_" + r.nextInt(1000) + (r.nextBoolean() ? ":rate5m" : ""));
            int nl = r.nextInt(6);
            for (int i = 0; i < nl; i++) {
                labels.put("l" + r.nextInt(50) + (r.nextBoolean() ? "_x" : ""), r.nextInt(3) == 0 ? "ünï\"cødé\n" + i : "v" + r.nextInt());
            }
            labels.forEach((k, v) -> ts.addLabels(Label.newBuilder().setName(k).setValue(v)));
            int n = r.nextInt(30) + 1;
            long t = r.nextLong() >> 20;
            for (int i = 0; i < n; i++) {
                double v = switch (r.nextInt(6)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.longBitsToDouble(0x7ff0000000000002L); // Prometheus's stale marker
                    case 2 -> Double.NEGATIVE_INFINITY;
                    case 3 -> -0.0;
                    default -> r.nextGaussian() * 1e6;
                };
                t += r.nextInt(30_000);
                ts.addSamples(Sample.newBuilder().setValue(v).setTimestamp(t));
            }
            if (r.nextInt(4) == 0) {
                ts.addExemplars(Exemplar.newBuilder().setValue(1).setTimestamp(t)
                        .addLabels(Label.newBuilder().setName("trace_id").setValue("abc")));
            }
            req.addTimeseries(ts);
        }
        if (r.nextBoolean()) {
            req.addMetadata(MetricMetadata.newBuilder().setType(MetricMetadata.MetricType.COUNTER)
                    .setMetricFamilyName("metric_1").setHelp("help text").setUnit("seconds"));
        }
        return req.build();
    }

    @Test
    void decode_randomValidRequests_matchGeneratedParser() throws Exception {
        Random r = new Random(42);
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        for (int iter = 0; iter < 300; iter++) {
            WriteRequest req = randomRequest(r);
            byte[] bytes = req.toByteArray();
            DecodedWrite got = decoder.decode(bytes, 0, bytes.length);
            WriteRequest oracle = WriteRequest.parseFrom(bytes);
            assertTrue(got.rejected().isEmpty(), () -> "rejected: " + got.rejected());
            assertEquals(oracle.getTimeseriesCount(), got.series().size());
            long samples = 0;
            long exemplars = 0;
            for (int s = 0; s < oracle.getTimeseriesCount(); s++) {
                TimeSeries want = oracle.getTimeseries(s);
                DecodedSeries have = got.series().get(s);
                Labels.Builder lb = Labels.builder();
                want.getLabelsList().forEach(l -> lb.set(l.getName(), l.getValue()));
                assertEquals(lb.build(), have.labels());
                assertEquals(want.getSamplesCount(), have.sampleCount());
                for (int i = 0; i < want.getSamplesCount(); i++) {
                    assertEquals(want.getSamples(i).getTimestamp(), have.timestamps()[i]);
                    assertEquals(Double.doubleToRawLongBits(want.getSamples(i).getValue()),
                            Double.doubleToRawLongBits(have.values()[i]), "value bits of sample " + i);
                }
                samples += want.getSamplesCount();
                exemplars += want.getExemplarsCount();
            }
            assertEquals(samples, got.samples());
            assertEquals(exemplars, got.exemplars());
        }
    }

    @Test
    void decode_damagedBytes_agreesWithGeneratedParserAndThrowsOnlyRemoteWriteException() {
        Random r = new Random(7);
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        int disagreements = 0;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] bytes = randomRequest(r).toByteArray();
            if (bytes.length == 0) {
                continue;
            }
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
            }
            int len = r.nextInt(5) == 0 ? r.nextInt(bytes.length + 1) : bytes.length; // sometimes truncated
            boolean oracleOk;
            try {
                WriteRequest.parseFrom(java.util.Arrays.copyOf(bytes, len));
                oracleOk = true;
            } catch (InvalidProtocolBufferException e) {
                oracleOk = false;
            }
            boolean ours;
            try {
                decoder.decode(bytes, 0, len);
                ours = true;
            } catch (RemoteWriteException e) {
                assertEquals(400, e.status());
                assertTrue(e.getMessage().contains("prometheus.WriteRequest"), e.getMessage());
                ours = false;
            } catch (RuntimeException e) {
                throw new AssertionError("decoder crashed on damaged input (iteration " + iter + ")", e);
            }
            if (ours != oracleOk) {
                disagreements++;
                if (disagreements < 5) {
                    String why;
                    try {
                        WriteRequest.parseFrom(java.util.Arrays.copyOf(bytes, len));
                        why = "oracle ok";
                    } catch (InvalidProtocolBufferException e) {
                        why = e.getMessage();
                    }
                    System.err.println("DISAGREE ours=" + ours + " oracle=" + oracleOk + " " + why);
                }
            }
        }
        assertEquals(0, disagreements, "inputs where protobuf-java and our decoder disagree on validity");
    }

    private static DecodedWrite decodeOne(String... nameValues) throws RemoteWriteException {
        TimeSeries.Builder ts = TimeSeries.newBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            ts.addLabels(Label.newBuilder().setName(nameValues[i]).setValue(nameValues[i + 1]));
        }
        ts.addSamples(Sample.newBuilder().setValue(1).setTimestamp(1000));
        byte[] bytes = WriteRequest.newBuilder().addTimeseries(ts).build().toByteArray();
        return new WriteRequestDecoder().decode(bytes, 0, bytes.length);
    }

    private static void assertRejected(String reasonPart, String... nameValues) throws RemoteWriteException {
        DecodedWrite w = decodeOne(nameValues);
        assertEquals(0, w.series().size(), "series should have been refused");
        assertEquals(1, w.rejected().size());
        assertTrue(w.rejected().get(0).contains(reasonPart), () -> "reason was: " + w.rejected().get(0));
    }

    @Test
    void decode_invalidLabels_areRejectedWithReason() throws Exception {
        assertRejected("not sorted", "__name__", "up", "b", "1", "a", "2");
        assertRejected("duplicate label name \"job\"", "__name__", "up", "job", "a", "job", "b");
        assertRejected("no metric name", "job", "a");
        assertRejected("invalid metric name \"\"", "__name__", "");
        assertRejected("invalid metric name \"1up\"", "__name__", "1up");
        assertRejected("invalid label name \"a-b\"", "__name__", "up", "a-b", "x");
        assertRejected("invalid label name \"\"", "", "x", "__name__", "up");
        assertRejected("invalid label name \"9a\"", "9a", "x", "__name__", "up");
    }

    @Test
    void decode_validEdgeCases_areAccepted() throws Exception {
        DecodedWrite w = decodeOne("__name__", "ns:rule_metric_total", "_a", "x", "job", "");
        assertTrue(w.rejected().isEmpty(), () -> w.rejected().toString());
        // an empty value is the same as no label in Prometheus
        assertEquals(Labels.of("__name__", "ns:rule_metric_total", "_a", "x"), w.series().get(0).labels());
        assertArrayEquals(new long[] {1000}, w.series().get(0).timestamps());
    }

    @Test
    void decode_seriesWithoutSamples_isNotDelivered_andHistogramsAreReported() throws Exception {
        List<TimeSeries> list = new ArrayList<>();
        list.add(TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue("a")).build());
        list.add(TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue("h"))
                .addHistograms(Histogram.newBuilder().setCountInt(3).setSum(1.5).setTimestamp(5)).build());
        byte[] bytes = WriteRequest.newBuilder().addAllTimeseries(list).build().toByteArray();
        DecodedWrite w = new WriteRequestDecoder().decode(bytes, 0, bytes.length);
        assertEquals(0, w.series().size());
        assertEquals(1, w.histograms());
        assertEquals(1, w.rejected().size());
        assertTrue(w.rejected().get(0).contains("native histogram"), w.rejected().get(0));
    }

    @Test
    void decode_emptyBody_isAnEmptyRequest() throws Exception {
        DecodedWrite w = new WriteRequestDecoder().decode(new byte[0], 0, 0);
        assertEquals(0, w.series().size());
        assertTrue(w.rejected().isEmpty());
        if (w.samples() != 0) {
            fail("no samples expected");
        }
    }
}
