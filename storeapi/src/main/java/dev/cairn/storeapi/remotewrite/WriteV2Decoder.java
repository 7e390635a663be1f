package dev.cairn.storeapi.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.storeapi.pb.writev2.Request;
import dev.cairn.storeapi.pb.writev2.Sample;
import dev.cairn.storeapi.pb.writev2.TimeSeries;
import dev.cairn.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a remote write 2.0 {@code io.prometheus.write.v2.Request}: labels are pairs of indexes
 * into the request's symbol table, checked to be in range before use. Uses the generated message
 * classes; 2.0 is rare next to 1.0 today, so it has no hand-written fast path yet.
 */
public final class WriteV2Decoder {

    /**
     * Decodes {@code len} bytes of an uncompressed v2 Request.
     *
     * @throws RemoteWriteException 400 when the bytes are not a v2 Request
     */
    public DecodedWrite decode(byte[] buf, int off, int len) throws RemoteWriteException {
        Request req;
        try {
            CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
            req = Request.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new RemoteWriteException(400, "remote write body is not a valid io.prometheus.write.v2.Request: "
                    + e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new RemoteWriteException(400, "reading remote write body: " + e.getMessage(), e);
        }
        int nsym = req.getSymbolsCount();
        List<DecodedSeries> series = new ArrayList<>(req.getTimeseriesCount());
        List<String> rejected = new ArrayList<>();
        long samples = 0;
        long histograms = 0;
        long exemplars = 0;
        String[] kv = new String[16];
        for (int s = 0; s < req.getTimeseriesCount(); s++) {
            TimeSeries t = req.getTimeseries(s);
            exemplars += t.getExemplarsCount();
            histograms += t.getHistogramsCount();
            int nrefs = t.getLabelsRefsCount();
            if (nrefs % 2 != 0) {
                rejected.add("series " + s + " has an odd number of label refs (" + nrefs + ")");
                continue;
            }
            String bad = null;
            if (kv.length < nrefs) {
                kv = new String[nrefs];
            }
            for (int i = 0; i < nrefs && bad == null; i++) {
                int ref = t.getLabelsRefs(i);
                if (ref < 0 || ref >= nsym) { // uint32 above 2^31 arrives negative
                    bad = "series " + s + " has label ref " + Integer.toUnsignedString(ref)
                            + " outside the symbol table of " + nsym + " symbols";
                } else {
                    kv[i] = req.getSymbols(ref);
                }
            }
            if (bad == null && t.hasMetadata()) {
                int help = t.getMetadata().getHelpRef();
                int unit = t.getMetadata().getUnitRef();
                if (help < 0 || help >= Math.max(nsym, 1) || unit < 0 || unit >= Math.max(nsym, 1)) {
                    bad = "series " + s + " has a metadata help or unit ref outside the symbol table of "
                            + nsym + " symbols";
                }
            }
            if (bad == null) {
                String why = LabelRules.check(kv, nrefs);
                if (why != null) {
                    bad = why + " in series " + LabelRules.describe(kv, nrefs);
                }
            }
            if (bad == null && t.getSamplesCount() == 0 && t.getHistogramsCount() == 0) {
                // 2.0 spec, and Prometheus's 2.0 receiver: a series carries at least one sample
                bad = "series " + LabelRules.describe(kv, nrefs) + " has no sample nor histogram";
            }
            if (bad != null) {
                rejected.add(bad);
                continue;
            }
            if (t.getHistogramsCount() > 0) {
                rejected.add(t.getHistogramsCount() + " native histogram samples not supported yet in series "
                        + LabelRules.describe(kv, nrefs));
            }
            int n = t.getSamplesCount();
            if (n == 0) {
                continue;
            }
            long[] ts = new long[n];
            double[] vs = new double[n];
            for (int i = 0; i < n; i++) {
                Sample sample = t.getSamples(i);
                ts[i] = sample.getTimestamp();
                vs[i] = sample.getValue();
            }
            series.add(new DecodedSeries(labels(kv, nrefs), ts, vs));
            samples += n;
        }
        return new DecodedWrite(series, rejected, samples, histograms, exemplars);
    }

    private static Labels labels(String[] kv, int len) {
        int keep = 0;
        for (int i = 1; i < len; i += 2) {
            if (!kv[i].isEmpty()) {
                keep += 2;
            }
        }
        String[] out = new String[keep];
        int j = 0;
        for (int i = 0; i < len; i += 2) {
            if (!kv[i + 1].isEmpty()) {
                out[j++] = kv[i];
                out[j++] = kv[i + 1];
            }
        }
        return Labels.ofSorted(out);
    }
}
