package dev.cairn.storeapi.remoteread;

import dev.cairn.storeapi.pb.prometheus.LabelMatcher;
import dev.cairn.storeapi.pb.prometheus.Query;
import dev.cairn.storeapi.pb.prometheus.ReadRequest;
import dev.cairn.storeapi.store.ChunkedSeries;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;

/**
 * A {@link Querier} over a Prometheus's remote read, asking for STREAMED_XOR_CHUNKS: Prometheus sends
 * its own XOR chunks, which are handed on without decoding. Used by the agent's sidecar (the local
 * Prometheus behind a StoreAPI) and by the appliance's query layer (a Prometheus as a query endpoint).
 * Prometheus adds its external labels to what it returns and applies matchers on them itself.
 *
 * <p>Limit: the answer to one select is held in memory (chunks, not samples) before the series set is
 * handed out, because series split over frames must be joined and sorted; the StoreAPI service then
 * streams it. Remote read has no label API, so label names and values come from a full read of the
 * matching series. One per request, not thread-safe.
 */
public final class RemoteReadQuerier implements Querier {
    private final RemoteReadClient client;
    private final String where;
    private final long mint;
    private final long maxt;

    /** @param where names the Prometheus in error messages (its URL or endpoint name) */
    public RemoteReadQuerier(RemoteReadClient client, String where, long mint, long maxt) {
        this.client = client;
        this.where = where;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        List<ChunkedSeries> all = read(matchers);
        return new SeriesSet() {
            private int i = -1;

            @Override
            public boolean next() {
                return ++i < all.size();
            }

            @Override
            public Series at() {
                return all.get(i);
            }
        };
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (ChunkedSeries s : read(matchers)) {
            if (s.labels().has(name)) {
                out.add(s.labels().get(name));
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (ChunkedSeries s : read(matchers)) {
            s.labels().forEach((n, v) -> out.add(n));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        // nothing is held between calls
    }

    private List<ChunkedSeries> read(List<Matcher> matchers) {
        Query.Builder q = Query.newBuilder().setStartTimestampMs(mint).setEndTimestampMs(maxt);
        for (Matcher m : matchers) {
            q.addMatchers(toProto(m));
        }
        if (matchers.isEmpty()) {
            // Prometheus refuses a query without matchers (the StoreAPI service strips those on
            // external labels, so this happens); this one selects every series
            q.addMatchers(LabelMatcher.newBuilder().setType(LabelMatcher.Type.RE).setName(Labels.METRIC_NAME)
                    .setValue(".+"));
        }
        List<ChunkedSeries> out = new ArrayList<>();
        try {
            client.readChunked(ReadRequest.newBuilder().addQueries(q).build(), (index, s) -> add(out, s));
        } catch (IOException e) {
            throw new UncheckedIOException("remote read from " + where + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted during remote read from " + where);
        }
        // Prometheus sends series sorted by its label order; the SeriesSet contract needs ours
        out.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        return out;
    }

    private void add(List<ChunkedSeries> out, dev.cairn.storeapi.pb.prometheus.ChunkedSeries s) {
        Labels labels = RemoteReadClient.labels(s);
        ChunkedSeries last = out.isEmpty() ? null : out.get(out.size() - 1);
        ChunkedSeries target;
        if (last != null && last.labels().equals(labels)) {
            target = last; // a series split over frames comes in consecutive parts
        } else {
            target = new ChunkedSeries(labels, new ArrayList<>(s.getChunksCount()), mint, maxt);
            out.add(target);
        }
        for (int i = 0; i < s.getChunksCount(); i++) {
            var c = s.getChunks(i);
            if (c.getType() != dev.cairn.storeapi.pb.prometheus.Chunk.Encoding.XOR) {
                throw new UncheckedIOException(new IOException("remote read from " + where + ": series " + labels
                        + " has a chunk of encoding " + c.getType() + "; only XOR (float samples) is supported"));
            }
            byte[] data = c.getData().toByteArray();
            target.chunks().add(XorChunk.wrap(data, 0, data.length, "remote read " + where + " series " + labels, 0));
        }
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
