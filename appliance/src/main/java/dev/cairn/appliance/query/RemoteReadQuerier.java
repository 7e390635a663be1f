package dev.cairn.appliance.query;

import dev.cairn.storeapi.pb.prometheus.LabelMatcher;
import dev.cairn.storeapi.pb.prometheus.Query;
import dev.cairn.storeapi.pb.prometheus.QueryResult;
import dev.cairn.storeapi.pb.prometheus.ReadRequest;
import dev.cairn.storeapi.pb.prometheus.ReadResponse;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.remoteread.RemoteReadClient;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;

/**
 * A {@link Querier} over a Prometheus remote read endpoint ({@code /api/v1/read}, SAMPLES answers):
 * the way to query a Prometheus that has no StoreAPI in front of it. Prometheus adds its external
 * labels to the series it returns and applies matchers on them itself. Remote read has no label
 * API, so label names and values are derived from the matching series (a full read: keep matchers
 * narrow). Not thread-safe; one per query, as every querier.
 */
public final class RemoteReadQuerier implements Querier {
    private final RemoteReadClient client;
    private final String where;
    private final long mint;
    private final long maxt;

    public RemoteReadQuerier(RemoteReadClient client, String where, long mint, long maxt) {
        this.client = client;
        this.where = where;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return new ListSeriesSet(read(matchers));
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (Series s : read(matchers)) {
            if (s.labels().has(name)) {
                out.add(s.labels().get(name));
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (Series s : read(matchers)) {
            s.labels().forEach((n, v) -> out.add(n));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        // nothing held between calls
    }

    private List<BufferedSeries> read(List<Matcher> matchers) {
        Query.Builder q = Query.newBuilder().setStartTimestampMs(mint).setEndTimestampMs(maxt);
        for (Matcher m : matchers) {
            q.addMatchers(toProto(m));
        }
        if (matchers.isEmpty()) {
            // Prometheus refuses a query without matchers; this one selects every series
            q.addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName(Labels.METRIC_NAME)
                    .setValue(".+"));
        }
        ReadResponse resp;
        try {
            resp = client.readSamples(ReadRequest.newBuilder().addQueries(q).build());
        } catch (IOException e) {
            throw new UncheckedIOException("remote read from " + where + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted during remote read from " + where);
        }
        if (resp.getResultsCount() != 1) {
            throw new IllegalStateException("remote read from " + where + " answered " + resp.getResultsCount()
                    + " results to one query");
        }
        QueryResult result = resp.getResults(0);
        List<BufferedSeries> out = new ArrayList<>(result.getTimeseriesCount());
        for (TimeSeries ts : result.getTimeseriesList()) {
            String[] kv = new String[ts.getLabelsCount() * 2];
            for (int i = 0; i < ts.getLabelsCount(); i++) {
                kv[2 * i] = ts.getLabels(i).getName();
                kv[2 * i + 1] = ts.getLabels(i).getValue();
            }
            long[] times = new long[ts.getSamplesCount()];
            double[] values = new double[ts.getSamplesCount()];
            int n = 0;
            for (int i = 0; i < ts.getSamplesCount(); i++) {
                long t = ts.getSamples(i).getTimestamp();
                if (t >= mint && t <= maxt) {
                    times[n] = t;
                    values[n] = ts.getSamples(i).getValue();
                    n++;
                }
            }
            out.add(new BufferedSeries(Labels.of(kv), times, values, n));
        }
        // Prometheus sends series sorted; the SeriesSet contract needs it, so make sure
        out.sort(Comparator.comparing(BufferedSeries::labels, Utf8Order.LABELS));
        return out;
    }

    private static LabelMatcher toProto(Matcher m) {
        LabelMatcher.Type type = switch (m.type()) {
            case EQUAL -> LabelMatcher.Type.EQ;
            case NOT_EQUAL -> LabelMatcher.Type.NEQ;
            case REGEX -> LabelMatcher.Type.RE;
            case NOT_REGEX -> LabelMatcher.Type.NRE;
        };
        return LabelMatcher.newBuilder().setType(type).setName(m.name()).setValue(m.value()).build();
    }
}
