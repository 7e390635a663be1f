package dev.cairn.agent.relay;

import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.tsdb.labels.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
        Encoder e = new Encoder();
        samplesOut[0] = e.encode(series);
        return Arrays.copyOf(e.buf, e.pos);
    }

    /**
     * Encodes records into one reused buffer, labels straight from their strings (one byte per
     * char for ASCII, the usual case; UTF-8 otherwise): no per-label arrays, no ByteBuffer. One per
     * thread; not thread-safe.
     */
    static final class Encoder {
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
        /** Kept between requests up to this size, so one huge request does not pin its buffer. */
        private static final int KEEP = 1 << 20;

        private byte[] buf = new byte[64 << 10];
        private int pos;

        /** Encodes into the buffer ({@link #array()}, {@link #length()}); returns the sample count. */
        long encode(List<DecodedSeries> series) {
            if (buf.length > KEEP) {
                buf = new byte[64 << 10];
            }
            pos = 0;
            ensure(HEADER);
            buf[pos++] = VERSION;
            pos += 4; // samples, below
            INT.set(buf, pos, series.size());
            pos += 4;
            long samples = 0;
            for (int i = 0, n = series.size(); i < n; i++) {
                DecodedSeries s = series.get(i);
                ensure(4);
                int lenAt = pos;
                pos += 4;
                putLabels(s.labels());
                INT.set(buf, lenAt, pos - lenAt - 4);
                long[] ts = s.timestamps();
                double[] vs = s.values();
                ensure(4 + 16 * ts.length);
                INT.set(buf, pos, ts.length);
                pos += 4;
                for (int j = 0; j < ts.length; j++) {
                    LONG.set(buf, pos, ts[j]);
                    LONG.set(buf, pos + 8, Double.doubleToRawLongBits(vs[j]));
                    pos += 16;
                }
                samples += ts.length;
            }
            INT.set(buf, 1, (int) samples);
            return samples;
        }

        byte[] array() {
            return buf;
        }

        int length() {
            return pos;
        }

        /** The labels as remote-write {@code Label} messages (tag 0x0A, length, name = 1, value = 2). */
        private void putLabels(Labels ls) {
            for (int i = 0, n = ls.size(); i < n; i++) {
                ensure(1 + 1);
                buf[pos++] = 0x0A;
                int lenAt = pos++; // one byte for the message length, widened below if needed
                putString(0x0A, ls.name(i));
                putString(0x12, ls.value(i));
                int msg = pos - lenAt - 1;
                if (msg >= 0x80) {
                    int extra = Proto.varintSize(msg) - 1;
                    ensure(extra);
                    System.arraycopy(buf, lenAt + 1, buf, lenAt + 1 + extra, msg);
                    pos += extra;
                }
                Proto.putVarint(buf, lenAt, msg);
            }
        }

        private void putString(int tag, String s) {
            int n = s.length();
            if (n < 0x80) {
                ensure(2 + n);
                int at = pos + 2;
                int i = 0;
                for (; i < n; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        break;
                    }
                    buf[at + i] = (byte) c;
                }
                if (i == n) {
                    buf[pos] = (byte) tag;
                    buf[pos + 1] = (byte) n;
                    pos = at + n;
                    return;
                }
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            ensure(1 + 5 + b.length);
            buf[pos++] = (byte) tag;
            pos = Proto.putVarint(buf, pos, b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(pos + n, buf.length * 2));
            }
        }
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
