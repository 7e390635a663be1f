package dev.cairn.storeapi.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.tsdb.labels.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder's shortcuts (labels reused from the previous series when their bytes are equal,
 * Label/Sample/TimeSeries read straight from the body, the label string cache) against
 * protobuf-java's parser: on batches shaped like Prometheus's, where consecutive series share
 * most labels, on encodings Prometheus's marshaller never produces (fields reordered, repeated,
 * unknown, long), and on damaged bytes.
 */
class WriteRequestDecoderFastPathTest {

    /** Batches like a node exporter's scrape: series k and k+1 differ in one or two labels. */
    static WriteRequest prometheusLikeBatch(Random r, int series) {
        WriteRequest.Builder req = WriteRequest.newBuilder();
        String[] modes = {"idle", "iowait", "system", "user", "ünïcødé", ""};
        String instance = "host-" + r.nextInt(5) + ".example.com:9100";
        for (int s = 0; s < series; s++) {
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            ts.addLabels(label("__name__", r.nextInt(8) == 0 ? "node_load1" : "node_cpu_seconds_total"));
            ts.addLabels(label("cpu", String.valueOf(s / 6)));
            ts.addLabels(label("instance", r.nextInt(10) == 0 ? "x".repeat(100 + r.nextInt(60)) : instance));
            ts.addLabels(label("job", "node"));
            if (r.nextInt(3) > 0) {
                ts.addLabels(label("mode", modes[s % modes.length]));
            }
            int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
            for (int i = 0; i < n; i++) {
                double v = r.nextInt(5) == 0 ? 0 : r.nextInt(1_000_000) / 100.0; // 0 is left out on the wire
                long t = r.nextInt(6) == 0 ? 0 : 1_732_000_000_000L + i * 15_000L;
                ts.addSamples(Sample.newBuilder().setValue(v).setTimestamp(t));
            }
            req.addTimeseries(ts);
        }
        return req.build();
    }

    private static Label.Builder label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value);
    }

    /** Our series equal the oracle's, label by label and sample by sample (bits). */
    private static void assertAgrees(WriteRequestDecoder decoder, byte[] bytes) throws Exception {
        DecodedWrite got = decoder.decode(bytes, 0, bytes.length);
        assertTrue(got.rejected().isEmpty(), () -> "rejected: " + got.rejected());
        assertSameSeries(WriteRequest.parseFrom(bytes), got, "");
    }

    /**
     * The oracle's series that pass the label rules (checked on the oracle's strings by the
     * plain {@link LabelRules#check(String[], int)}, not by the decoder's cached facts) and have
     * samples, against what the decoder delivered.
     */
    private static void assertSameSeries(WriteRequest oracle, DecodedWrite got, String where) {
        int k = 0;
        for (TimeSeries want : oracle.getTimeseriesList()) {
            String[] kv = new String[2 * want.getLabelsCount()];
            for (int i = 0; i < want.getLabelsCount(); i++) {
                kv[2 * i] = want.getLabels(i).getName();
                kv[2 * i + 1] = want.getLabels(i).getValue();
            }
            if (LabelRules.check(kv, kv.length) != null || want.getSamplesCount() == 0 || want.getHistogramsCount() > 0) {
                continue;
            }
            assertTrue(k < got.series().size(), "a series is missing " + where);
            DecodedSeries have = got.series().get(k++);
            Labels.Builder lb = Labels.builder();
            want.getLabelsList().forEach(l -> {
                if (!l.getValue().isEmpty()) {
                    lb.set(l.getName(), l.getValue());
                }
            });
            assertEquals(lb.build(), have.labels(), where);
            assertEquals(want.getSamplesCount(), have.sampleCount(), where);
            for (int i = 0; i < want.getSamplesCount(); i++) {
                assertEquals(want.getSamples(i).getTimestamp(), have.timestamps()[i], where);
                assertEquals(Double.doubleToRawLongBits(want.getSamples(i).getValue()),
                        Double.doubleToRawLongBits(have.values()[i]), where);
            }
        }
        assertEquals(k, got.series().size(), "series delivered " + where);
    }

    @Test
    void decode_prometheusLikeBatches_matchGeneratedParser() throws Exception {
        Random r = new Random(3);
        WriteRequestDecoder decoder = new WriteRequestDecoder(); // reused: nothing may leak between requests
        for (int iter = 0; iter < 200; iter++) {
            assertAgrees(decoder, prometheusLikeBatch(r, 1 + r.nextInt(60)).toByteArray());
        }
    }

    @Test
    void decode_damagedPrometheusLikeBatches_agreeWithGeneratedParser() {
        Random r = new Random(11);
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        int oracleRefused = 0;
        for (int iter = 0; iter < 3000; iter++) {
            byte[] bytes = prometheusLikeBatch(r, 1 + r.nextInt(20)).toByteArray();
            int flips = 1 + r.nextInt(3);
            for (int f = 0; f < flips; f++) {
                bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
            }
            int len = r.nextInt(5) == 0 ? r.nextInt(bytes.length + 1) : bytes.length;
            byte[] body = Arrays.copyOf(bytes, len);
            WriteRequest oracle;
            try {
                oracle = WriteRequest.parseFrom(body);
            } catch (InvalidProtocolBufferException e) {
                oracle = null;
                oracleRefused++;
            }
            DecodedWrite ours;
            try {
                ours = decoder.decode(body, 0, len);
            } catch (RemoteWriteException e) {
                assertEquals(400, e.status());
                ours = null;
            } catch (RuntimeException e) {
                throw new AssertionError("decoder crashed on damaged input (iteration " + iter + ")", e);
            }
            int it = iter;
            assertEquals(oracle == null, ours == null, () -> "verdicts differ at iteration " + it);
            if (oracle != null) {
                assertSameSeries(oracle, ours, "at iteration " + iter);
            }
        }
        assertTrue(oracleRefused > 300, "the damage should break many bodies, broke " + oracleRefused);
    }

    /** Raw protobuf bytes, field by field, for encodings the generated code never writes. */
    private static final class Raw {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Raw string(int field, String s) throws IOException {
            out.writeString(field, s);
            return this;
        }

        Raw message(int field, Raw m) throws IOException {
            out.writeByteArray(field, m.toBytes());
            return this;
        }

        Raw fixed64(int field, double v) throws IOException {
            out.writeDouble(field, v);
            return this;
        }

        Raw varint(int field, long v) throws IOException {
            out.writeInt64(field, v);
            return this;
        }

        Raw unknownVarint(int field, long v) throws IOException {
            out.writeUInt64(field, v);
            return this;
        }

        byte[] toBytes() throws IOException {
            out.flush();
            return bytes.toByteArray();
        }
    }

    private static Raw raw() {
        return new Raw();
    }

    @Test
    void decode_encodingsPrometheusNeverWrites_matchGeneratedParser() throws Exception {
        Raw name = raw().string(1, "__name__").string(2, "up");
        Raw sample = raw().fixed64(1, 1.5).varint(2, 1000);
        byte[][] bodies = {
            // Label and Sample fields in reverse order
            raw().message(1, raw().message(1, raw().string(2, "up").string(1, "__name__"))
                    .message(2, raw().varint(2, 1000).fixed64(1, 2.5))).toBytes(),
            // a field given twice: the last one wins
            raw().message(1, raw().message(1, raw().string(1, "job").string(1, "__name__").string(2, "a").string(2, "up"))
                    .message(2, raw().fixed64(1, 1).fixed64(1, 3).varint(2, 5).varint(2, 7))).toBytes(),
            // unknown fields inside Label, Sample and TimeSeries
            raw().message(1, raw().message(1, raw().string(1, "__name__").unknownVarint(9, 3).string(2, "up"))
                    .message(2, raw().fixed64(1, 4).unknownVarint(15, 1).varint(2, 9)).unknownVarint(12, 4)).toBytes(),
            // a value over 127 bytes (two-byte length) and over the cache's 64-byte bound
            raw().message(1, raw().message(1, name).message(1, raw().string(1, "path").string(2, "/x".repeat(90)))
                    .message(2, sample)).toBytes(),
            // negative and ten-byte timestamps
            raw().message(1, raw().message(1, name).message(2, raw().fixed64(1, 1).varint(2, -1))
                    .message(2, raw().fixed64(1, 1).varint(2, Long.MIN_VALUE))).toBytes(),
            // the same label bytes at a different index in the next series: not reused by position
            raw().message(1, raw().message(1, name).message(1, raw().string(1, "zone").string(2, "a")).message(2, sample))
                    .message(1, raw().message(1, raw().string(1, "__name__").string(2, "a"))
                            .message(1, raw().string(1, "zone").string(2, "up")).message(2, sample)).toBytes(),
        };
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        for (byte[] body : bodies) {
            assertAgrees(decoder, body);
        }
    }

    @Test
    void decode_sameOffsetsInTheNextRequest_doNotReuseTheLastRequestsStrings() throws Exception {
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        byte[] a = WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder().addLabels(label("__name__", "aaa"))
                .addSamples(Sample.newBuilder().setValue(1).setTimestamp(1))).build().toByteArray();
        byte[] b = WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder().addLabels(label("__name__", "bbb"))
                .addSamples(Sample.newBuilder().setValue(1).setTimestamp(1))).build().toByteArray();
        assertEquals(a.length, b.length);
        assertEquals(Labels.of("__name__", "aaa"), decoder.decode(a, 0, a.length).series().get(0).labels());
        assertEquals(Labels.of("__name__", "bbb"), decoder.decode(b, 0, b.length).series().get(0).labels());
        // the same body again, at another offset in a bigger array
        byte[] shifted = new byte[b.length + 7];
        System.arraycopy(a, 0, shifted, 7, a.length);
        assertEquals(Labels.of("__name__", "aaa"), decoder.decode(shifted, 7, a.length).series().get(0).labels());
    }

    @Test
    void decode_repeatedStrings_areShared() throws Exception {
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        byte[] body = prometheusLikeBatch(new Random(5), 40).toByteArray();
        DecodedWrite first = decoder.decode(body, 0, body.length);
        DecodedWrite second = decoder.decode(body, 0, body.length);
        Labels x = first.series().get(0).labels();
        Labels y = second.series().get(0).labels();
        assertEquals(x, y);
        assertNotSame(x, y);
        assertSame(x.value(0), y.value(0), "the metric name should come from the label cache both times");
        assertSame(first.series().get(1).labels().get("job"), x.get("job"));
    }

    @Test
    void decode_invalidUtf8InAFastPathLabel_isRefusedLikeTheGeneratedParser() throws Exception {
        byte[] body = WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder().addLabels(label("__name__", "up"))
                .addLabels(label("job", "abcd")).addSamples(Sample.newBuilder().setValue(1).setTimestamp(1)))
                .build().toByteArray();
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0}, {(byte) 0xFF, 'a'}}) {
            byte[] damaged = body.clone();
            int at = indexOf(damaged, "abcd".getBytes());
            damaged[at] = bad[0];
            damaged[at + 1] = bad[1];
            assertThrows(InvalidProtocolBufferException.class, () -> WriteRequest.parseFrom(damaged));
            RemoteWriteException e = assertThrows(RemoteWriteException.class,
                    () -> new WriteRequestDecoder().decode(damaged, 0, damaged.length));
            assertEquals(400, e.status());
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
