package dev.cairn.agent.relay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A {@link QueueRecord} straight from the bytes of a remote-write 1.0 {@code prometheus.WriteRequest},
 * without decoding labels into strings and encoding them again: each {@code Label} message is
 * checked in place and copied as it is, since the record keeps labels in exactly that wire form.
 * Decoding and re-encoding the labels was a third of the relay's CPU time.
 *
 * <p>It takes only what it can prove the storeapi decoder would accept unchanged: the shape
 * Prometheus's marshaller writes (series of labels then samples; each label a name then a
 * non-empty value, lengths as shortest varints; samples as an optional value then an optional
 * timestamp; no exemplars, histograms, metadata or unknown fields), ASCII values, and every series
 * valid by the same rules as {@code LabelRules} (label names {@code [a-zA-Z_][a-zA-Z0-9_]*},
 * strictly ascending, a {@code __name__} matching {@code [a-zA-Z_:][a-zA-Z0-9_:]*}). Then the
 * record is byte for byte what {@code QueueRecord.Encoder} makes of the decoder's output
 * (QueueRecordTest checks that). For anything else {@link #transcode} answers -1 and the caller
 * hands the request to the storeapi decoder, which gives the exact protobuf errors and the
 * per-series reasons. Reuses its buffer; one per connection, not thread-safe.
 */
final class RecordTranscoder {
    private static final VarHandle BE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    /** Kept between requests up to this size, so one huge request does not pin its buffer. */
    private static final int KEEP = 1 << 20;
    private static final byte[] METRIC_NAME = {'_', '_', 'n', 'a', 'm', 'e', '_', '_'};

    /** Character classes: bit 1 may start a label name, 2 may continue one, 4 may start a metric name, 8 continue. */
    private static final byte[] CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            int k = 0;
            if (letter) {
                k |= 1 | 2 | 4 | 8;
            }
            if (digit) {
                k |= 2 | 8;
            }
            if (c == ':') {
                k |= 4 | 8;
            }
            CLASS[c] = (byte) k;
        }
    }

    private byte[] out = new byte[64 << 10];
    private int pos;
    private int seriesCount;
    // the varint just read: its value and where it ended
    private int varint;
    private int after;

    /**
     * Transcodes {@code len} bytes of an uncompressed WriteRequest into {@link #array()}; returns
     * the samples in it, or -1 when it is not in the shape described above (nothing is then
     * promised about the buffer). A request without samples gives a record of no series.
     */
    long transcode(byte[] b, int off, int len) {
        if (out.length > KEEP) {
            out = new byte[64 << 10];
        }
        pos = QueueRecord.HEADER;
        ensure(0);
        seriesCount = 0;
        long samples = 0;
        int p = off;
        int end = off + len;
        while (p < end) {
            if (b[p] != 0x0A || !readVarint(b, p + 1, end)) { // WriteRequest.timeseries = 1
                return -1;
            }
            int from = after;
            int to = from + varint;
            if (varint < 0 || to > end || to < 0) {
                return -1;
            }
            long n = series(b, from, to);
            if (n < 0) {
                return -1;
            }
            samples += n;
            p = to;
        }
        if (samples > Integer.MAX_VALUE) {
            return -1; // the record counts samples in an int32; the decoder path refuses it then
        }
        out[0] = QueueRecord.VERSION;
        BE_INT.set(out, 1, (int) samples);
        BE_INT.set(out, 5, seriesCount);
        return samples;
    }

    byte[] array() {
        return out;
    }

    int length() {
        return pos;
    }

    /** Series in the record. */
    int series() {
        return seriesCount;
    }

    /** One TimeSeries message in {@code [p, end)}: its samples, or -1. */
    private long series(byte[] b, int p, int end) {
        int start = pos;
        ensure(4);
        pos += 4;
        int prevName = -1;
        int prevNameLen = 0;
        boolean hasName = false;
        // labels = 1, each with its tag and length; they lie together, so they are copied in one go
        int labelsFrom = p;
        while (p < end && b[p] == 0x0A) {
            int msgLen = b[p + 1 < end ? p + 1 : p];
            int msg = p + 2;
            if (msgLen < 0) { // a label message of 128 bytes or more: a longer varint, which must be the shortest
                if (!readVarint(b, p + 1, end) || after - p - 1 != Proto.varintSize(varint)) {
                    return -1;
                }
                msgLen = varint;
                msg = after;
            }
            int msgEnd = msg + msgLen;
            if (p + 1 >= end || msgLen < 6 || msgEnd > end || msgEnd < 0) { // 6: one-byte name and value
                return -1;
            }
            // name = 1: a valid label name of 1..127 bytes, after the previous one
            int nameLen = b[msg + 1];
            int name = msg + 2;
            if (b[msg] != 0x0A || nameLen <= 0 || name + nameLen >= msgEnd) {
                return -1;
            }
            int c0 = b[name];
            if (c0 < 0 || (CLASS[c0] & 1) == 0) {
                return -1;
            }
            for (int i = name + 1, e = name + nameLen; i < e; i++) {
                int c = b[i];
                if (c < 0 || (CLASS[c] & 2) == 0) {
                    return -1;
                }
            }
            if (prevName >= 0 && Arrays.compareUnsigned(b, prevName, prevName + prevNameLen, b, name,
                    name + nameLen) >= 0) {
                return -1; // unsorted or duplicate: the decoder says which
            }
            prevName = name;
            prevNameLen = nameLen;
            // value = 2: non-empty ASCII (an empty value is dropped by the decoder, UTF-8 is checked there)
            int v = name + nameLen;
            int value;
            if (b[v] != 0x12 || v + 1 >= msgEnd) {
                return -1;
            }
            int valueLen = b[v + 1];
            if (valueLen > 0) {
                value = v + 2;
            } else {
                if (valueLen == 0 || !readVarint(b, v + 1, msgEnd) || after - v - 1 != Proto.varintSize(varint)) {
                    return -1;
                }
                valueLen = varint;
                value = after;
            }
            if (value + valueLen != msgEnd || !ascii(b, value, msgEnd)) {
                return -1;
            }
            if (nameLen == METRIC_NAME.length && c0 == '_'
                    && Arrays.equals(b, name, name + nameLen, METRIC_NAME, 0, METRIC_NAME.length)) {
                if ((CLASS[b[value]] & 4) == 0) {
                    return -1;
                }
                for (int i = value + 1; i < msgEnd; i++) {
                    if ((CLASS[b[i]] & 8) == 0) {
                        return -1;
                    }
                }
                hasName = true;
            }
            p = msgEnd;
        }
        ensure(p - labelsFrom);
        System.arraycopy(b, labelsFrom, out, pos, p - labelsFrom);
        pos += p - labelsFrom;
        if (!hasName) {
            return -1;
        }
        BE_INT.set(out, start, pos - start - 4);
        int countAt = pos;
        ensure(4);
        pos += 4;
        int n = 0;
        // samples = 2: {double value = 1; int64 timestamp = 2}, each field optional (zero is left out)
        while (p < end) {
            if (b[p] != 0x12 || p + 1 == end) {
                return -1;
            }
            int size = b[p + 1];
            int q = p + 2;
            int sEnd = q + size;
            if (size < 0 || sEnd > end) {
                return -1;
            }
            long bits = 0;
            long t = 0;
            if (q < sEnd && b[q] == 0x09) {
                if (q + 9 > sEnd) {
                    return -1;
                }
                bits = (long) LE_LONG.get(b, q + 1);
                q += 9;
            }
            if (q < sEnd && b[q] == 0x10) {
                q++;
                // at most ten bytes; bits past the 64th are dropped, as protobuf (and the decoder) drop them
                for (int shift = 0; ; shift += 7) {
                    if (q == sEnd || shift > 63) {
                        return -1;
                    }
                    byte x = b[q++];
                    t |= (long) (x & 0x7F) << shift;
                    if (x >= 0) {
                        break;
                    }
                }
            }
            if (q != sEnd) {
                return -1;
            }
            ensure(16);
            BE_LONG.set(out, pos, t);
            BE_LONG.set(out, pos + 8, bits);
            pos += 16;
            n++;
            p = sEnd;
        }
        if (n == 0) {
            pos = start; // valid but empty: the decoder leaves it out too
            return 0;
        }
        BE_INT.set(out, countAt, n);
        seriesCount++;
        return n;
    }

    /** Whether {@code b[from, to)} is all ASCII; eight bytes a step. */
    private static boolean ascii(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (((long) LE_LONG.get(b, i) & 0x8080808080808080L) != 0) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** A varint32 at {@code p} (at most five bytes, before {@code end}) into {@link #varint}, {@link #after}. */
    private boolean readVarint(byte[] b, int p, int end) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p == end) {
                return false;
            }
            byte x = b[p++];
            v |= (x & 0x7F) << shift;
            if (x >= 0) {
                varint = v;
                after = p;
                return true;
            }
        }
        return false;
    }

    private void ensure(int n) {
        if (pos + n > out.length) {
            out = Arrays.copyOf(out, Math.max(pos + n, out.length * 2));
        }
    }
}
