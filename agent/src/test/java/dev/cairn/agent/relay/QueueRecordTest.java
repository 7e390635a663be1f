package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.tsdb.labels.Labels;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueRecordTest {
    @Test
    void encode_labelsAreRemoteWriteLabelMessages_forAsciiUtf8AndLongValues() throws Exception {
        String longValue = "x".repeat(300); // label message over 127 bytes: a two-byte length
        String utf16 = "Ā-ü-€-😀"; // non-Latin-1 and a surrogate pair
        List<DecodedSeries> in = List.of(
                new DecodedSeries(Labels.of("__name__", "up", "job", "node"), new long[] {1, 2}, new double[] {0.5, -1}),
                new DecodedSeries(Labels.of("__name__", "m", "long", longValue, "u", "café", "w", utf16),
                        new long[] {3}, new double[] {Double.NaN}));
        long[] samples = new long[1];
        byte[] rec = QueueRecord.encode(in, samples);
        assertEquals(3, samples[0]);
        ByteBuffer b = ByteBuffer.wrap(rec);
        assertEquals(QueueRecord.VERSION, b.get());
        assertEquals(3, b.getInt());
        assertEquals(2, b.getInt());
        for (DecodedSeries s : in) {
            byte[] labels = new byte[b.getInt()];
            b.get(labels);
            List<Label> got = TimeSeries.parseFrom(labels).getLabelsList();
            assertEquals(s.labels().size(), got.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(s.labels().name(i), got.get(i).getName());
                assertEquals(s.labels().value(i), got.get(i).getValue());
            }
            int n = b.getInt();
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int j = 0; j < n; j++) {
                ts[j] = b.getLong();
                vs[j] = Double.longBitsToDouble(b.getLong());
            }
            assertEquals(Arrays.toString(s.timestamps()), Arrays.toString(ts));
            assertEquals(Arrays.toString(s.values()), Arrays.toString(vs));
        }
        assertEquals(0, b.remaining());
    }
}
