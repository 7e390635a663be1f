package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.storeapi.pb.prometheus.Exemplar;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.MetricMetadata;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.DecodedWrite;
import dev.cairn.storeapi.remotewrite.WriteRequestDecoder;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path must make exactly the record the decoder path makes (storeapi decoder, then
 * QueueRecord.Encoder) for what it takes, and refuse (-1) whatever the decoder would change, drop
 * or reject, so that goes through the decoder's checks.
 */
class RecordTranscoderTest {
    private static final long STALE_NAN = 0x7ff0000000000002L;

    private static TimeSeries series(String... kv) {
        TimeSeries.Builder b = TimeSeries.newBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.addLabels(Label.newBuilder().setName(kv[i]).setValue(kv[i + 1]));
        }
        return b.build();
    }

    private static TimeSeries withSamples(TimeSeries ts, long... tv) {
        TimeSeries.Builder b = ts.toBuilder();
        for (int i = 0; i < tv.length; i += 2) {
            b.addSamples(Sample.newBuilder().setTimestamp(tv[i]).setValue(Double.longBitsToDouble(tv[i + 1])));
        }
        return b.build();
    }

    /** The record the decoder path makes, or null when the decoder rejects a series. */
    private static byte[] viaDecoder(byte[] body) throws Exception {
        DecodedWrite w = new WriteRequestDecoder().decode(body, 0, body.length);
        assertTrue(w.rejected().isEmpty(), () -> "the decoder rejected " + w.rejected());
        long[] samples = new long[1];
        return QueueRecord.encode(w.series(), samples);
    }

    private static void assertSameRecord(byte[] body) throws Exception {
        byte[] expected = viaDecoder(body);
        RecordTranscoder t = new RecordTranscoder();
        long samples = t.transcode(body, 0, body.length);
        assertTrue(samples >= 0, "the fast path refused a request the decoder takes unchanged");
        assertArrayEquals(expected, Arrays.copyOf(t.array(), t.length()));
        assertEquals(java.nio.ByteBuffer.wrap(expected).getInt(1), samples);
        assertEquals(java.nio.ByteBuffer.wrap(expected).getInt(5), t.series());
    }

    private static long refused(WriteRequest req) {
        byte[] body = req.toByteArray();
        return new RecordTranscoder().transcode(body, 0, body.length);
    }

    @Test
    void sameRecordAsTheDecoderPath_forWhatPrometheusSends() throws Exception {
        WriteRequest req = WriteRequest.newBuilder()
                .addTimeseries(withSamples(series("__name__", "node_cpu_seconds_total", "cpu", "0", "instance",
                        "127.0.0.1:9100", "job", "node", "mode", "idle"), 1700000000000L, Double.doubleToRawLongBits(12.5)))
                // zero value and zero timestamp are left out of the Sample message; a negative
                // timestamp is a ten-byte varint; the stale marker's NaN bits must survive
                .addTimeseries(withSamples(series("__name__", "ns:rule:rate5m", "a_1", "x"), 0, 0, -5,
                        Double.doubleToRawLongBits(-1.0), 1700000000001L, STALE_NAN))
                // label and value over 127 bytes: two-byte lengths
                .addTimeseries(withSamples(series("__name__", "m", "path", "/" + "p".repeat(300)), 7, 0))
                // labels only: valid, no samples, left out of the record
                .addTimeseries(series("__name__", "no_samples", "job", "x"))
                .build();
        assertSameRecord(req.toByteArray());
    }

    @Test
    void sameRecordAsTheDecoderPath_forRandomValidRequests() throws Exception {
        Random r = new Random(42);
        for (int iter = 0; iter < 200; iter++) {
            WriteRequest.Builder req = WriteRequest.newBuilder();
            for (int s = r.nextInt(20); s > 0; s--) {
                String[] names = {"__name__", "a", "b_2", "instance", "job", "z"};
                TimeSeries.Builder ts = TimeSeries.newBuilder();
                for (String n : names) {
                    if (n.equals("__name__") || r.nextBoolean()) {
                        String v = n.equals("__name__") ? "metric_" + r.nextInt(5) : "v".repeat(1 + r.nextInt(200));
                        ts.addLabels(Label.newBuilder().setName(n).setValue(v));
                    }
                }
                for (int k = r.nextInt(4); k > 0; k--) {
                    ts.addSamples(Sample.newBuilder().setTimestamp(r.nextLong()).setValue(r.nextGaussian()));
                }
                req.addTimeseries(ts);
            }
            assertSameRecord(req.build().toByteArray());
        }
    }

    /**
     * Damaged bodies (random bytes changed, cut anywhere): the fast path never throws, and whatever
     * it takes, the decoder takes unchanged and encodes to the same record.
     */
    @Test
    void mutatedBodies_areRefusedOrGiveTheDecoderPathsRecord() throws Exception {
        Random r = new Random(7);
        byte[] base = WriteRequest.newBuilder()
                .addTimeseries(withSamples(series("__name__", "up", "instance", "h:9100", "job", "node"), 1700000000000L,
                        Double.doubleToRawLongBits(1)))
                .addTimeseries(withSamples(series("__name__", "m", "path", "/" + "p".repeat(150)), 5, 0, 6, 1))
                .build().toByteArray();
        RecordTranscoder t = new RecordTranscoder();
        int taken = 0;
        for (int iter = 0; iter < 20_000; iter++) {
            byte[] body = Arrays.copyOf(base, r.nextBoolean() ? base.length : 1 + r.nextInt(base.length));
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                body[r.nextInt(body.length)] = (byte) r.nextInt(256);
            }
            long samples = t.transcode(body, 0, body.length);
            if (samples < 0) {
                continue;
            }
            taken++;
            DecodedWrite w = new WriteRequestDecoder().decode(body, 0, body.length);
            assertTrue(w.rejected().isEmpty(), () -> "the fast path took what the decoder rejects: " + w.rejected());
            assertArrayEquals(QueueRecord.encode(w.series(), new long[1]), Arrays.copyOf(t.array(), t.length()));
        }
        assertTrue(taken > 100, "some mutations (values, timestamps) keep the shape: " + taken);
    }

    @Test
    void emptyRequest_isARecordOfNoSeries() throws Exception {
        RecordTranscoder t = new RecordTranscoder();
        assertEquals(0, t.transcode(new byte[0], 0, 0));
        assertEquals(0, t.series());
    }

    @Test
    void refusesWhatTheDecoderWouldChangeOrReject() {
        TimeSeries ok = withSamples(series("__name__", "up", "job", "x"), 1, 0);
        assertTrue(refused(WriteRequest.newBuilder().addTimeseries(ok).build()) >= 0);
        TimeSeries[] bad = {
            withSamples(series("job", "x", "__name__", "up"), 1, 0), // unsorted
            withSamples(series("__name__", "up", "job", "x", "job", "y"), 1, 0), // duplicate name
            withSamples(series("__name__", "up", "job", ""), 1, 0), // empty value: the decoder drops the label
            withSamples(series("__name__", "up", "job", "café"), 1, 0), // UTF-8: checked by the decoder
            withSamples(series("__name__", "up", "1job", "x"), 1, 0), // invalid label name
            withSamples(series("__name__", "up", "jo-b", "x"), 1, 0),
            withSamples(series("__name__", "up", "jo:b", "x"), 1, 0), // ':' only in metric names
            withSamples(series("__name__", "1up"), 1, 0), // invalid metric name
            withSamples(series("job", "x"), 1, 0), // no metric name
            withSamples(series("__name__", ""), 1, 0),
            ok.toBuilder().addExemplars(Exemplar.newBuilder().setTimestamp(1).setValue(2)).build(),
        };
        for (TimeSeries ts : bad) {
            assertEquals(-1, refused(WriteRequest.newBuilder().addTimeseries(ok).addTimeseries(ts).build()),
                    () -> "took " + ts);
        }
        assertEquals(-1, refused(WriteRequest.newBuilder().addTimeseries(ok)
                .addMetadata(MetricMetadata.newBuilder().setMetricFamilyName("up")).build()));
    }

    @Test
    void refusesDamagedOrUnusualBytes() throws Exception {
        byte[] ok = WriteRequest.newBuilder().addTimeseries(withSamples(series("__name__", "up", "job", "x"), 1,
                Double.doubleToRawLongBits(1))).build().toByteArray();
        RecordTranscoder t = new RecordTranscoder();
        for (int cut = 1; cut < ok.length; cut++) {
            assertEquals(-1, t.transcode(ok, 0, cut), "a body cut after " + cut + " bytes");
        }
        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        unknown.write(ok);
        unknown.write(new byte[] {0x28, 0x01}); // WriteRequest field 5, varint: protobuf skips it, so does the decoder
        byte[] u = unknown.toByteArray();
        assertEquals(-1, t.transcode(u, 0, u.length));
        // a label length written in two bytes where one would do: not the canonical bytes the record needs
        byte[] nonCanonical = {0x0A, 0x13, 0x0A, (byte) 0x8E, 0x00, 0x0A, 0x08, '_', '_', 'n', 'a', 'm', 'e', '_', '_',
            0x12, 0x02, 'u', 'p', 0x12, 0x00};
        assertEquals(-1, t.transcode(nonCanonical, 0, nonCanonical.length));
        assertTrue(t.transcode(ok, 0, ok.length) > 0, "still usable after refusals");
    }
}
