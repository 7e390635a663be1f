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

    // scratch for the series being read: flat label pairs, sample timestamps and values
    /** Null: labels decoded by protobuf as they come (cheapest for a sink that only re-encodes them). */
    private final StringCache strings;
    private byte[] buf;
    private int base; // offset in buf where the CodedInputStream starts
    private String[] kv = new String[32];
    private long[] ts = new long[64];
    private double[] vs = new double[64];

    public WriteRequestDecoder() {
        this(false);
    }

    /** @param reuseLabelStrings decode labels through a per-decoder {@link StringCache} */
    public WriteRequestDecoder(boolean reuseLabelStrings) {
        this.strings = reuseLabelStrings ? new StringCache() : null;
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
        this.base = off;
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
                    int limit = in.pushLimit(in.readRawVarint32());
                    readTimeSeries(in, series, rejected, counts);
                    in.popLimit(limit);
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
        }
        this.buf = null; // do not pin the request's bytes
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
                if (nkv + 2 > kv.length) {
                    kv = Arrays.copyOf(kv, kv.length * 2);
                }
                int limit = in.pushLimit(in.readRawVarint32());
                readLabel(in, nkv);
                in.popLimit(limit);
                nkv += 2;
            } else if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED && field == TS_SAMPLES) {
                if (n == ts.length) {
                    ts = Arrays.copyOf(ts, n * 2);
                    vs = Arrays.copyOf(vs, n * 2);
                }
                int limit = in.pushLimit(in.readRawVarint32());
                readSample(in, n);
                in.popLimit(limit);
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
        counts[1] += histograms;
        String why = LabelRules.check(kv, nkv);
        if (why != null) {
            rejected.add(why + " in series " + LabelRules.describe(kv, nkv));
            Arrays.fill(kv, 0, nkv, null);
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
        Arrays.fill(kv, 0, nkv, null); // do not keep the request's strings alive
    }

    /** Labels from the scratch array, leaving out empty values: Prometheus treats them as absent. */
    private Labels labels(int nkv) {
        int keep = 0;
        for (int i = 1; i < nkv; i += 2) {
            if (!kv[i].isEmpty()) {
                keep += 2;
            }
        }
        String[] out = new String[keep];
        int j = 0;
        for (int i = 0; i < nkv; i += 2) {
            if (!kv[i + 1].isEmpty()) {
                out[j++] = kv[i];
                out[j++] = kv[i + 1];
            }
        }
        return Labels.ofSorted(out);
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
                name = readString(in);
            } else if (tag == tag(L_VALUE, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                value = readString(in);
            } else if (!in.skipField(tag)) {
                throw endGroup();
            }
        }
        kv[at] = name;
        kv[at + 1] = value;
    }

    /**
     * A length-delimited UTF-8 string, as {@code readStringRequireUtf8}, through the connection's
     * {@link StringCache}: the bytes are read in place (the stream is over {@link #buf}).
     */
    private String readString(CodedInputStream in) throws IOException {
        if (strings == null) {
            return in.readStringRequireUtf8();
        }
        int len = in.readRawVarint32();
        if (len < 0) {
            throw new InvalidProtocolBufferException("CodedInputStream encountered an embedded string or message "
                    + "which claimed to have negative size.");
        }
        in.skipRawBytes(len); // checks the length against the message and the buffer first
        return strings.get(buf, base + in.getTotalBytesRead() - len, len);
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
