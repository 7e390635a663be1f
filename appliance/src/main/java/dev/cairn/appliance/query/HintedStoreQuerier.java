package dev.cairn.appliance.query;

import dev.cairn.storeapi.pb.thanos.Aggr;
import dev.cairn.storeapi.pb.thanos.AggrChunk;
import dev.cairn.storeapi.pb.thanos.Chunk;
import dev.cairn.storeapi.pb.thanos.Func;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.QueryHints;
import dev.cairn.storeapi.pb.thanos.Range;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.store.ChunkedSeries;
import dev.cairn.storeapi.store.Matchers;
import dev.cairn.storeapi.store.SeriesStream;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ClippedIterator;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.downsample.AggrRead;
import dev.cairn.tsdb.downsample.AggrType;
import dev.cairn.tsdb.downsample.DownsampledIterators;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A remote StoreAPI querier that tells the store what the query will do, as Thanos's querier does
 * (pkg/query/querier.go): a select with hints sends the aggregates the function needs ({@code aggregates},
 * {@link #aggregates}), the coarsest resolution it accepts ({@code max_resolution_window}) and the query
 * hints (function, step, range), so that a store of downsampled blocks answers with aggregate chunks. The
 * answer's chunks are read either way: raw XOR chunks as they are (a Cairn appliance sends the chosen
 * aggregate as raw samples), aggregate chunks (count, sum, min, max, counter: a Thanos store) through the
 * same per-function read as the local store gateway ({@link AggrRead#forFunction}, {@link DownsampledIterators}).
 *
 * <p>Selects without hints, label names and label values go to {@code plain} unchanged. Series are read
 * as the stream delivers them; closing cancels the streams still open. Not thread-safe (one query worker).
 */
public final class HintedStoreQuerier implements Querier {
    private final String endpoint;
    private final Channel channel;
    private final long timeoutMs;
    private final Querier plain;
    private final long mint;
    private final long maxt;
    private final Consumer<String> warnings;
    private final List<Context.CancellableContext> open = new ArrayList<>();

    /**
     * @param channel   the endpoint's channel (its TLS and interceptors)
     * @param timeoutMs deadline of one Series call
     * @param plain     the endpoint's ordinary querier over the same range, for everything but hinted selects
     * @param warnings  the store's own partial-response warnings, prefixed with its address
     */
    public HintedStoreQuerier(String endpoint, Channel channel, long timeoutMs, Querier plain, long mint, long maxt,
                              Consumer<String> warnings) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.timeoutMs = timeoutMs;
        this.plain = plain;
        this.mint = mint;
        this.maxt = maxt;
        this.warnings = warnings;
    }

    /**
     * The aggregates to ask for a function, as Thanos's querier asks (aggrsFromFunc): min/max/count/sum_* one
     * each, the counter for rate and its kin, count and sum (an average) for everything else.
     */
    static List<Aggr> aggregates(String func) {
        AggrRead read = AggrRead.forFunction(func);
        return switch (read) {
            case COUNT -> List.of(Aggr.COUNT);
            case SUM -> List.of(Aggr.SUM);
            case MIN -> List.of(Aggr.MIN);
            case MAX -> List.of(Aggr.MAX);
            case COUNTER -> List.of(Aggr.COUNTER);
            case AVERAGE -> List.of(Aggr.COUNT, Aggr.SUM);
        };
    }

    /** The Series request for {@code hints}: time range, matchers, aggregates, resolution and query hints. */
    static SeriesRequest request(long mint, long maxt, SelectHints hints, List<Matcher> matchers) {
        QueryHints.Builder qh = QueryHints.newBuilder().setStepMillis(hints.step());
        if (!hints.func().isEmpty()) {
            qh.setFunc(Func.newBuilder().setName(hints.func()));
        }
        if (hints.range() > 0) {
            qh.setRange(Range.newBuilder().setMillis(hints.range()));
        }
        return SeriesRequest.newBuilder()
                .setMinTime(mint)
                .setMaxTime(maxt)
                .addAllMatchers(Matchers.toProto(matchers))
                .setMaxResolutionWindow(Math.max(0, hints.effectiveMaxResolution()))
                .addAllAggregates(aggregates(hints.func()))
                .setStep(hints.step())
                .setRange(hints.range())
                .setQueryHints(qh)
                .setResponseBatchSize(64)
                .build();
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return plain.select(matchers);
    }

    @Override
    public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        if (hints == null) {
            return plain.select(matchers);
        }
        SeriesRequest req = request(mint, maxt, hints, matchers);
        Context.CancellableContext ctx = Context.current().withCancellation();
        open.add(ctx);
        Iterator<SeriesResponse> it;
        Context prev = ctx.attach();
        try {
            it = StoreGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).series(req);
        } finally {
            ctx.detach(prev);
        }
        return new Answer(it, AggrRead.forFunction(hints.func()), matchers);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return plain.labelValues(name, matchers);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return plain.labelNames(matchers);
    }

    @Override
    public void close() {
        for (Context.CancellableContext c : open) {
            c.cancel(null);
        }
        open.clear();
        plain.close();
    }

    /** The streamed answer, one series at a time (single series or batches). */
    private final class Answer implements SeriesSet {
        private final SeriesStream stream;
        private final AggrRead read;
        private final List<Matcher> matchers;
        private Series at;

        Answer(Iterator<SeriesResponse> responses, AggrRead read, List<Matcher> matchers) {
            this.stream = new SeriesStream(responses,
                    w -> warnings.accept("store " + endpoint + " answered partially: " + w));
            this.read = read;
            this.matchers = matchers;
        }

        @Override
        public boolean next() {
            try {
                dev.cairn.storeapi.pb.thanos.Series s = stream.next();
                at = s == null ? null : decode(s);
                return s != null;
            } catch (StatusRuntimeException e) {
                throw new EndpointException(endpoint, "series in [" + mint + ", " + maxt + "] matching " + matchers
                        + " from StoreAPI " + endpoint + ": " + e.getStatus().getCode()
                        + (e.getStatus().getDescription() == null ? "" : " (" + e.getStatus().getDescription() + ")"), e);
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
            boolean aggregated = false;
            for (AggrChunk c : s.getChunksList()) {
                if (!c.hasRaw()) {
                    aggregated = true;
                    break;
                }
            }
            if (!aggregated) {
                List<XorChunk> raw = new ArrayList<>(s.getChunksCount());
                for (AggrChunk c : s.getChunksList()) {
                    raw.add(xor(c.getRaw(), labels, "raw"));
                }
                return new ChunkedSeries(labels, raw, mint, maxt);
            }
            List<dev.cairn.tsdb.downsample.AggrChunk> chunks = new ArrayList<>(s.getChunksCount());
            for (AggrChunk c : s.getChunksList()) {
                XorChunk[] parts = new XorChunk[AggrType.values().length]; // indexed as AggrChunk.encode wants
                if (c.hasCount()) {
                    parts[AggrType.COUNT.ordinal()] = xor(c.getCount(), labels, "count");
                }
                if (c.hasSum()) {
                    parts[AggrType.SUM.ordinal()] = xor(c.getSum(), labels, "sum");
                }
                if (c.hasMin()) {
                    parts[AggrType.MIN.ordinal()] = xor(c.getMin(), labels, "min");
                }
                if (c.hasMax()) {
                    parts[AggrType.MAX.ordinal()] = xor(c.getMax(), labels, "max");
                }
                if (c.hasCounter()) {
                    parts[AggrType.COUNTER.ordinal()] = xor(c.getCounter(), labels, "counter");
                }
                chunks.add(dev.cairn.tsdb.downsample.AggrChunk.encode(parts));
            }
            return new AggregatedSeries(labels, chunks, read, mint, maxt);
        }

        private XorChunk xor(Chunk c, Labels labels, String which) {
            if (c.getType() != Chunk.Encoding.XOR) {
                throw new IllegalStateException("series " + labels + " from StoreAPI " + endpoint + " has a "
                        + c.getType() + " " + which + " chunk; Cairn reads float (XOR) chunks only");
            }
            byte[] data = c.getData().toByteArray();
            return XorChunk.wrap(data, 0, data.length, "StoreAPI " + endpoint + " series " + labels + " " + which, 0);
        }
    }

    /** A series of aggregate chunks, read as {@code read} says, samples within [mint, maxt]. */
    private record AggregatedSeries(Labels labels, List<dev.cairn.tsdb.downsample.AggrChunk> chunks, AggrRead read,
                                    long mint, long maxt) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            return new ClippedIterator(DownsampledIterators.of(chunks, read), mint, maxt);
        }
    }
}
