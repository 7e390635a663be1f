package dev.cairn.storeapi.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.cairn.storeapi.pb.prometheus.Exemplar;
import dev.cairn.storeapi.pb.prometheus.Histogram;
import dev.cairn.storeapi.pb.prometheus.MetricMetadata;
import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a remote write 1.0 {@code prometheus.WriteRequest} straight from protobuf wire bytes
 * into {@link DecodedSeries}, without building the generated message tree: the generated classes
 * would allocate one object per sample, and a busy receiver sees millions of samples a second.
 * Field numbers are those of {@code prometheus/remote.proto} and {@code prometheus/types.proto};
 * unknown fields are skipped as protobuf requires. Exemplars, histograms and metadata, which Cairn
 * does not store yet, are still parsed (they are rare) so that damage inside them fails the request
 * exactly as it fails in Prometheus's parser. A decoder instance reuses its scratch arrays and
 * is not thread-safe; use one per thread (e.g. per Netty channel handler).
 *
 * <p>Speed (the receiver's hot path; Prometheus mostly sends one sample per series, so labels
 * dominate): a series in the shape Prometheus's marshaller writes is read straight from the body
 * bytes, a label whose bytes equal the previous series' label at the same index takes its strings
 * as they are, and other label strings come from a bounded {@link LabelStringCache}. Anything off
 * that shape goes through protobuf's CodedInputStream, so damaged bodies fail as protobuf-java
 * fails them (WriteRequestDecoderTest, WriteRequestDecoderFastPathTest). Figures:
 * {@code RemoteWriteDecodeCpuTime} in the benchmarks module.
 */
public final class WriteRequestDecoder {
    // WriteRequest
    private static final int WR_TIMESERIES = 1;
    private static final int WR_METADATA = 3;
    // TimeSeries
    private static final int TS_LABELS = 1;
    private static final int TS_SAMPLES = 2;
    private static final int TS_EXEMPLARS = 3;
    private static final int TS_HISTOGRAMS = 4;
    // Label
    private static final int L_NAME = 1;
    private static final int L_VALUE = 2;
    // Sample
    private static final int S_VALUE = 1;
    private static final int S_TIMESTAMP = 2;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // scratch for the series being read: flat label pairs with their LabelStringCache facts,
    // sample timestamps and values
    private String[] kv = new String[32];
    private byte[] kf = new byte[32];
    // where in the body the Label message that kv[2j], kv[2j + 1] came from lies (length -1: unknown).
    // Consecutive series in a batch mostly share labels at the same index (same job, instance,
    // metric name), so comparing a label's bytes with those of the previous series' label at the
    // same index finds its strings without a cache lookup.
    private int[] labelAt = new int[16];
    private int[] labelLen = unknown(16);
    private int labelsSeen;
    private long[] ts = new long[64];
    private double[] vs = new double[64];
    private final LabelStringCache strings = new LabelStringCache();
    // the body being decoded: the fast paths read it directly
    private byte[] buf;
    private int bufStart;
    private int bufEnd;

    private static int[] unknown(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    /** A protobuf tag: field number and wire type in one varint (WireFormat keeps its own private). */
    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /**
     * Decodes {@code len} bytes of an uncompressed WriteRequest.
     *
     * @throws RemoteWriteException 400 when the bytes are not a WriteRequest
     */
    public DecodedWrite decode(byte[] buf, int off, int len) throws RemoteWriteException {
        CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
        this.buf = buf;
        this.bufStart = off;
        this.bufEnd = off + len;
        Arrays.fill(labelLen, 0, labelsSeen, -1);
        labelsSeen = 0;
        List<DecodedSeries> series = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        long[] counts = new long[3]; // samples, histograms, exemplars
        try {
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                if (tag == tag(WR_TIMESERIES, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                    int size = in.readRawVarint32();
                    if (fits(in, size) && readTimeSeriesFast(bufStart + in.getTotalBytesRead(), size, series, rejected,
                            counts)) {
                        in.skipRawBytes(size);
                    } else {
                        int limit = in.pushLimit(size);
                        readTimeSeries(in, series, rejected, counts);
                        in.popLimit(limit);
                    }
                } else if (tag == tag(WR_METADATA, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                    in.readMessage(MetricMetadata.newBuilder(), ExtensionRegistryLite.getEmptyRegistry());
                } else if (!in.skipField(tag)) {
                    throw endGroup();
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new RemoteWriteException(400, "remote write body is not a valid prometheus.WriteRequest: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            // CodedInputStream over a byte array only throws InvalidProtocolBufferException; keep the compiler honest
            throw new RemoteWriteException(400, "reading remote write body: " + e.getMessage(), e);
        } finally {
            // do not keep the request alive
            this.buf = null;
            Arrays.fill(kv, 0, 2 * labelsSeen, null);
        }
        return new DecodedWrite(series, rejected, counts[0], counts[1], counts[2]);
    }

    /** A stray end-group tag: protobuf-java's own parser refuses it too. */
    private static InvalidProtocolBufferException endGroup() {
        return new InvalidProtocolBufferException("end-group tag without a matching start-group tag");
    }

    private void readTimeSeries(CodedInputStream in, List<DecodedSeries> out, List<String> rejected, long[] counts)
            throws IOException {
        int nkv = 0;
        int n = 0;
        int histograms = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && field == TS_LABELS) {
                int size = in.readRawVarint32();
                if (fits(in, size) && readLabelFast(bufStart + in.getTotalBytesRead(), size, nkv)) {
                    in.skipRawBytes(size);
                } else {
                    readLabelSlow(in, size, nkv);
                }
                nkv += 2;
            } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && field == TS_SAMPLES) {
                growSamples(n);
                int size = in.readRawVarint32();
                if (fits(in, size) && readSampleFast(bufStart + in.getTotalBytesRead(), size, n)) {
                    in.skipRawBytes(size);
                } else {
                    int limit = in.pushLimit(size);
                    readSample(in, n);
                    in.popLimit(limit);
                }
                n++;
            } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && field == TS_EXEMPLARS) {
                counts[2]++;
                in.readMessage(Exemplar.newBuilder(), ExtensionRegistryLite.getEmptyRegistry());
            } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && field == TS_HISTOGRAMS) {
                histograms++;
                in.readMessage(Histogram.newBuilder(), ExtensionRegistryLite.getEmptyRegistry());
            } else if (!in.skipField(tag)) {
                throw endGroup();
            }
        }
        finishSeries(nkv, n, histograms, out, rejected, counts);
    }

    /**
     * A TimeSeries of labels and samples only, read straight from the body; false, having
     * consumed nothing, when it holds anything else (exemplars, histograms, unknown fields,
     * lengths over one byte) or anything the fast paths refuse: readTimeSeries then reads it.
     */
    private boolean readTimeSeriesFast(int p, int size, List<DecodedSeries> out, List<String> rejected,
            long[] counts) {
        byte[] b = buf;
        int end = p + size;
        int nkv = 0;
        int n = 0;
        while (p < end) {
            if (p + 1 == end) {
                return false;
            }
            int tag = b[p];
            int len = b[p + 1];
            int from = p + 2;
            p = from + len;
            if (len < 0 || p > end) {
                return false;
            }
            if (tag == tag(TS_LABELS, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                if (!readLabelFast(from, len, nkv)) {
                    return false;
                }
                nkv += 2;
            } else if (tag == tag(TS_SAMPLES, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                growSamples(n);
                if (!readSampleFast(from, len, n)) {
                    return false;
                }
                n++;
            } else {
                return false;
            }
        }
        finishSeries(nkv, n, 0, out, rejected, counts);
        return true;
    }

    private void growSamples(int n) {
        if (n == ts.length) {
            ts = Arrays.copyOf(ts, n * 2);
            vs = Arrays.copyOf(vs, n * 2);
        }
    }

    private void finishSeries(int nkv, int n, int histograms, List<DecodedSeries> out, List<String> rejected,
            long[] counts) {
        counts[1] += histograms;
        String why = LabelRules.check(kv, kf, nkv);
        if (why != null) {
            rejected.add(why + " in series " + LabelRules.describe(kv, nkv));
            return;
        }
        if (histograms > 0) {
            rejected.add(histograms + " native histogram samples not supported yet in series "
                    + LabelRules.describe(kv, nkv));
        }
        if (n > 0) {
            out.add(new DecodedSeries(labels(nkv), Arrays.copyOf(ts, n), Arrays.copyOf(vs, n)));
            counts[0] += n;
        }
    }

    /** Labels from the scratch array, leaving out empty values: Prometheus treats them as absent. */
    private Labels labels(int nkv) {
        int keep = 0;
        for (int i = 1; i < nkv; i += 2) {
            if ((kf[i] & LabelStringCache.EMPTY) == 0) {
                keep += 2;
            }
        }
        if (keep == nkv) {
            return Labels.ofSorted(Arrays.copyOf(kv, nkv)); // one bulk copy; the usual case
        }
        String[] out = new String[keep];
        int j = 0;
        for (int i = 0; i < nkv; i += 2) {
            if ((kf[i + 1] & LabelStringCache.EMPTY) == 0) {
                out[j++] = kv[i];
                out[j++] = kv[i + 1];
            }
        }
        return Labels.ofSorted(out);
    }

    /** A Label message through CodedInputStream; its strings are not remembered for the next series. */
    private void readLabelSlow(CodedInputStream in, int size, int at) throws IOException {
        int j = labelIndex(at);
        labelLen[j] = -1;
        int limit = in.pushLimit(size);
        readLabel(in, at);
        in.popLimit(limit);
    }

    private void readLabel(CodedInputStream in, int at) throws IOException {
        String name = "";
        String value = "";
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == tag(L_NAME, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                name = in.readStringRequireUtf8();
            } else if (tag == tag(L_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                value = in.readStringRequireUtf8();
            } else if (!in.skipField(tag)) {
                throw endGroup();
            }
        }
        kv[at] = name;
        kv[at + 1] = value;
        kf[at] = (byte) LabelStringCache.factsOf(name);
        kf[at + 1] = (byte) LabelStringCache.factsOf(value);
    }

    /*
     * The fast paths below read a Label or Sample message straight from the body when it has the
     * shape Prometheus's marshaller gives it (one-byte tags of the known fields, one-byte string
     * lengths) and return false on anything else — an unknown field, a long string, bytes that are
     * not UTF-8 — so the CodedInputStream path reads it instead and fails exactly where protobuf
     * fails. They only run on a message that lies wholly inside the body and its enclosing limit.
     */

    /** The index of the label that goes to kv[at], with room for it in the scratch arrays. */
    private int labelIndex(int at) {
        int j = at >> 1;
        if (j == labelAt.length) {
            kv = Arrays.copyOf(kv, kv.length * 2);
            kf = Arrays.copyOf(kf, kf.length * 2);
            labelAt = Arrays.copyOf(labelAt, j * 2);
            labelLen = Arrays.copyOf(labelLen, j * 2);
            Arrays.fill(labelLen, j, j * 2, -1);
        }
        if (j == labelsSeen) {
            labelsSeen++;
        }
        return j;
    }

    /** Whether a length-delimited field of {@code size} bytes at the stream's position lies inside the body. */
    private boolean fits(CodedInputStream in, int size) {
        int untilLimit = in.getBytesUntilLimit(); // -1: no limit pushed (the top level)
        return size >= 0 && (untilLimit < 0 || size <= untilLimit) && size <= bufEnd - bufStart - in.getTotalBytesRead();
    }

    /**
     * The Label message of {@code size} bytes at {@code p} into kv[at], kv[at + 1]: the previous
     * series' strings when its label at this index had the same bytes, else parsed.
     */
    private boolean readLabelFast(int p, int size, int at) {
        int j = labelIndex(at);
        if (size == labelLen[j] && LabelStringCache.equal(buf, labelAt[j], buf, p, size)) {
            return true; // kv and kf hold these strings already
        }
        if (!parseLabel(p, size, at)) {
            return false;
        }
        labelAt[j] = p;
        labelLen[j] = size;
        return true;
    }

    private boolean parseLabel(int p, int size, int at) {
        byte[] b = buf;
        int end = p + size;
        String name = "";
        String value = "";
        int nameFacts = LabelStringCache.EMPTY; // an absent field is the empty string
        int valueFacts = LabelStringCache.EMPTY;
        while (p < end) {
            if (p + 1 == end) {
                return false;
            }
            int tag = b[p];
            int len = b[p + 1];
            int from = p + 2;
            p = from + len;
            if (len < 0 || p > end || (tag != tag(L_NAME, WireFormat.WIRETYPE_LENGTH_DELIMITED)
                    && tag != tag(L_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED))) {
                return false;
            }
            String s = strings.get(b, from, len);
            if (s == null) {
                return false;
            }
            if (tag == tag(L_NAME, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                name = s;
                nameFacts = strings.lastFacts();
            } else {
                value = s;
                valueFacts = strings.lastFacts();
            }
        }
        kv[at] = name;
        kv[at + 1] = value;
        kf[at] = (byte) nameFacts;
        kf[at + 1] = (byte) valueFacts;
        return true;
    }

    private boolean readSampleFast(int p, int size, int at) {
        byte[] b = buf;
        int end = p + size;
        double value = 0;
        long t = 0;
        while (p < end) {
            int tag = b[p++];
            if (tag == tag(S_VALUE, WireFormat.WIRETYPE_FIXED64)) {
                if (p + 8 > end) {
                    return false;
                }
                value = Double.longBitsToDouble((long) LONGS.get(b, p));
                p += 8;
            } else if (tag == tag(S_TIMESTAMP, WireFormat.WIRETYPE_VARINT)) {
                // a varint of at most ten bytes; bits past the 64th are dropped, as protobuf drops them
                long v = 0;
                for (int shift = 0; ; shift += 7) {
                    if (p == end || shift > 63) {
                        return false;
                    }
                    byte x = b[p++];
                    v |= (long) (x & 0x7F) << shift;
                    if (x >= 0) {
                        break;
                    }
                }
                t = v;
            } else {
                return false;
            }
        }
        ts[at] = t;
        vs[at] = value;
        return true;
    }

    private void readSample(CodedInputStream in, int at) throws IOException {
        double value = 0;
        long t = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == tag(S_VALUE, WireFormat.WIRETYPE_FIXED64)) {
                value = in.readDouble();
            } else if (tag == tag(S_TIMESTAMP, WireFormat.WIRETYPE_VARINT)) {
                t = in.readInt64();
            } else if (!in.skipField(tag)) {
                throw endGroup();
            }
        }
        ts[at] = t;
        vs[at] = value;
    }
}
