package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pb.thanos.AggrChunk;
import dev.cairn.storeapi.pb.thanos.Chunk;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.LabelNamesRequest;
import dev.cairn.storeapi.pb.thanos.LabelNamesResponse;
import dev.cairn.storeapi.pb.thanos.LabelValuesRequest;
import dev.cairn.storeapi.pb.thanos.LabelValuesResponse;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Querier} over one remote store and one time range. {@code select} starts a Series stream
 * and reads one response per {@code next()}, so gRPC's flow control holds the server back while the
 * caller is slow. Closing cancels streams still open. Not thread-safe. Warnings the store sends
 * (its own partial response: stores behind it that failed) go to the sink given, prefixed with the
 * store's address.
 */
final class RemoteQuerier implements Querier {
    /**
     * Series per response asked for: fewer, larger messages cost far less per series over HTTP/2.
     * Servers that do not batch (Thanos before 0.38) ignore the field and send single series.
     */
    static final int BATCH = 64;

    private final StoreApiClient client;
    private final long mint;
    private final long maxt;
    private final Consumer<String> warnings;
    private final List<Context.CancellableContext> open = new ArrayList<>();

    RemoteQuerier(StoreApiClient client, long mint, long maxt, Consumer<String> warnings) {
        this.client = client;
        this.mint = mint;
        this.maxt = maxt;
        this.warnings = warnings;
    }

    private void warn(String message) {
        warnings.accept("store " + client.endpoint() + " answered partially: " + message);
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        SeriesRequest req = SeriesRequest.newBuilder().setMinTime(mint).setMaxTime(maxt)
                .setResponseBatchSize(BATCH)
                .addAllMatchers(Matchers.toProto(matchers)).build();
        Context.CancellableContext ctx = Context.current().withCancellation();
        open.add(ctx);
        Iterator<SeriesResponse> it;
        Context prev = ctx.attach();
        try {
            it = client.stub().series(req);
        } finally {
            ctx.detach(prev);
        }
        return new RemoteSeriesSet(it, matchers);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        try {
            LabelValuesResponse r = client.stub().labelValues(LabelValuesRequest.newBuilder().setLabel(name)
                    .setStart(mint).setEnd(maxt).addAllMatchers(Matchers.toProto(matchers)).build());
            r.getWarningsList().forEach(this::warn);
            return r.getValuesList();
        } catch (StatusRuntimeException e) {
            throw new StoreApiException(client.endpoint(), "label values of " + name + " matching " + matchers, e);
        }
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        try {
            LabelNamesResponse r = client.stub().labelNames(LabelNamesRequest.newBuilder().setStart(mint).setEnd(maxt)
                    .addAllMatchers(Matchers.toProto(matchers)).build());
            r.getWarningsList().forEach(this::warn);
            return r.getNamesList();
        } catch (StatusRuntimeException e) {
            throw new StoreApiException(client.endpoint(), "label names matching " + matchers, e);
        }
    }

    @Override
    public void close() {
        for (Context.CancellableContext c : open) {
            c.cancel(null);
        }
        open.clear();
    }

    private final class RemoteSeriesSet implements SeriesSet {
        private final SeriesStream stream;
        private final List<Matcher> matchers;
        private Series at;

        RemoteSeriesSet(Iterator<SeriesResponse> responses, List<Matcher> matchers) {
            this.stream = new SeriesStream(responses, RemoteQuerier.this::warn);
            this.matchers = matchers;
        }

        @Override
        public boolean next() {
            try {
                dev.cairn.storeapi.pb.thanos.Series s = stream.next();
                at = s == null ? null : decode(s);
                return s != null;
            } catch (StatusRuntimeException e) {
                throw new StoreApiException(client.endpoint(), "series in [" + mint + ", " + maxt + "] matching "
                        + matchers, e);
            }
        }

        @Override
        public Series at() {
            return at;
        }

        private Series decode(dev.cairn.storeapi.pb.thanos.Series s) {
            String[] kv = new String[2 * s.getLabelsCount()];
            for (int i = 0; i < s.getLabelsCount(); i++) {
                Label l = s.getLabels(i);
                kv[2 * i] = l.getName();
                kv[2 * i + 1] = l.getValue();
            }
            Labels labels = Labels.of(kv);
            List<XorChunk> chunks = new ArrayList<>(s.getChunksCount());
            for (AggrChunk c : s.getChunksList()) {
                if (!c.hasRaw()) {
                    continue; // downsampled aggregates: asked for raw only
                }
                if (c.getRaw().getType() != Chunk.Encoding.XOR) {
                    throw new IllegalStateException("series " + labels + " from StoreAPI " + client.endpoint()
                            + " has a " + c.getRaw().getType() + " chunk; Cairn reads float (XOR) chunks only");
                }
                byte[] data = c.getRaw().getData().toByteArray();
                chunks.add(XorChunk.wrap(data, 0, data.length, "StoreAPI " + client.endpoint() + " series " + labels, 0));
            }
            return new ChunkedSeries(labels, chunks, mint, maxt);
        }
    }
}
