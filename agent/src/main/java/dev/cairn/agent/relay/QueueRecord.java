package dev.cairn.agent.relay;

import dev.cairn.storeapi.remotewrite.DecodedSeries;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The relay's WAL record: the valid series of one accepted remote-write request, laid out so the
 * forwarding shards can send them without decoding labels again.
 *
 * <pre>
 * byte    version (1)
 * int32   samples in the record
 * int32   series count
 * per series:
 *   int32 labels length L, then L bytes: the labels already encoded as the {@code repeated Label
 *         labels = 1} fields of a remote-write 1.0 {@code TimeSeries} (tag 0x0A, length, Label message)
 *   int32 sample count N, then N × (int64 timestamp ms, int64 IEEE-754 bits of the value)
 * </pre>
 * Big-endian. The labels block doubles as the series identity for sharding: the same series always
 * encodes to the same bytes because the decoder hands us sorted, validated labels. The WAL frames
 * and checksums each record; a record that is not version 1 is corruption.
 */
final class QueueRecord {
    static final byte VERSION = 1;
    static final int HEADER = 1 + 4 + 4;

    private QueueRecord() {
    }

    /** Encodes one request's series; returns the record and puts its sample count in {@code samplesOut[0]}. */
    static byte[] encode(List<DecodedSeries> series, long[] samplesOut) {
        int size = HEADER;
        long samples = 0;
        byte[][] labels = new byte[series.size()][];
        for (int i = 0; i < series.size(); i++) {
            DecodedSeries s = series.get(i);
            labels[i] = encodeLabels(s);
            size += 4 + labels[i].length + 4 + 16 * s.sampleCount();
            samples += s.sampleCount();
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION).putInt((int) samples).putInt(series.size());
        for (int i = 0; i < series.size(); i++) {
            DecodedSeries s = series.get(i);
            b.putInt(labels[i].length).put(labels[i]).putInt(s.sampleCount());
            long[] ts = s.timestamps();
            double[] vs = s.values();
            for (int j = 0; j < ts.length; j++) {
                b.putLong(ts[j]).putLong(Double.doubleToRawLongBits(vs[j]));
            }
        }
        samplesOut[0] = samples;
        return b.array();
    }

    private static byte[] encodeLabels(DecodedSeries s) {
        int n = s.labels().size();
        byte[][] names = new byte[n][];
        byte[][] values = new byte[n][];
        int size = 0;
        int i;
        for (i = 0; i < n; i++) {
            names[i] = s.labels().name(i).getBytes(StandardCharsets.UTF_8);
            values[i] = s.labels().value(i).getBytes(StandardCharsets.UTF_8);
            int msg = Proto.fieldSize(names[i].length) + Proto.fieldSize(values[i].length);
            size += Proto.fieldSize(msg);
        }
        byte[] out = new byte[size];
        int p = 0;
        for (i = 0; i < n; i++) {
            int msg = Proto.fieldSize(names[i].length) + Proto.fieldSize(values[i].length);
            p = Proto.putBytesHeader(out, p, 1, msg);
            p = Proto.putBytesHeader(out, p, 1, names[i].length);
            System.arraycopy(names[i], 0, out, p, names[i].length);
            p += names[i].length;
            p = Proto.putBytesHeader(out, p, 2, values[i].length);
            System.arraycopy(values[i], 0, out, p, values[i].length);
            p += values[i].length;
        }
        return out;
    }

    /** Samples in a record, read from its header only (for counting dropped data). */
    static int samples(ByteBuffer rec) {
        check(rec);
        return rec.getInt(rec.position() + 1);
    }

    static void check(ByteBuffer rec) {
        if (rec.remaining() < HEADER || rec.get(rec.position()) != VERSION) {
            throw new IllegalArgumentException("relay queue record of " + rec.remaining()
                    + " bytes does not start with version " + VERSION);
        }
    }
}
