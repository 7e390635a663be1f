package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pb.thanos.InfoRequest;
import dev.cairn.storeapi.pb.thanos.InfoResponse;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.LabelNamesRequest;
import dev.cairn.storeapi.pb.thanos.LabelNamesResponse;
import dev.cairn.storeapi.pb.thanos.LabelSet;
import dev.cairn.storeapi.pb.thanos.LabelValuesRequest;
import dev.cairn.storeapi.pb.thanos.LabelValuesResponse;
import dev.cairn.storeapi.pb.thanos.PartialResponseStrategy;
import dev.cairn.storeapi.pb.thanos.Series;
import dev.cairn.storeapi.pb.thanos.SeriesBatch;
import dev.cairn.storeapi.pb.thanos.SeriesRequest;
import dev.cairn.storeapi.pb.thanos.SeriesResponse;
import dev.cairn.storeapi.pb.thanos.StoreGrpc;
import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code thanos.Store} over a {@link QuerierFactory}: what a sidecar, a receiver or a store gateway
 * serves.
 *
 * <p>Series streams: one {@code SeriesResponse} per series (or per batch of up to
 * {@code response_batch_size} series when the client asks, as Thanos 0.38+ does), taken from the storage's series set as
 * the client reads, never the whole answer in memory. The loop runs while
 * {@link ServerCallStreamObserver#isReady()} says the transport can take more and resumes from the
 * on-ready handler, so a slow client holds back the storage iteration instead of filling the heap;
 * a cancelled call (client gone, deadline passed) stops it and closes the querier. gRPC runs a
 * call's handlers one at a time, so the loop never runs twice at once for a call.
 *
 * <p>External labels are added to every series (and win over local labels of the same name);
 * matchers on them are settled here and not passed to storage, as a Thanos sidecar does. Errors
 * become statuses: INVALID_ARGUMENT for bad matchers or ranges, DATA_LOSS for corrupt storage,
 * INTERNAL otherwise, each with what was being done.
 */
public final class StoreApiService extends StoreGrpc.StoreImplBase {
    /**
     * Bounds on {@code response_batch_size} batches: a batch is one message, so one flush and one
     * flow-control check for many series (per-message costs dominate small series over HTTP/2),
     * but it must stay far below clients' message size limits.
     */
    static final int MAX_BATCH = 1000;
    static final int MAX_BATCH_BYTES = 1 << 20;

    private final QuerierFactory storage;
    private final Labels external;
    private final Supplier<TimeRange> range;
    private final StoreType type;

    /**
     * @param storage  opens a querier per request
     * @param external labels added to every series and announced by Info (may be empty)
     * @param range    the data's current time range, asked at each Info
     * @param type     what Info says this store is
     */
    public StoreApiService(QuerierFactory storage, Labels external, Supplier<TimeRange> range, StoreType type) {
        this.storage = storage;
        this.external = external;
        this.range = range;
        this.type = type;
    }

    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> out) {
        TimeRange r = range.get();
        InfoResponse.Builder b = InfoResponse.newBuilder()
                .setMinTime(r.minTime()).setMaxTime(r.maxTime()).setStoreType(type);
        if (!external.isEmpty()) {
            LabelSet.Builder set = LabelSet.newBuilder();
            external.forEach((n, v) -> {
                Label l = Label.newBuilder().setName(n).setValue(v).build();
                b.addLabels(l);
                set.addLabels(l);
            });
            b.addLabelSets(set);
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void series(SeriesRequest request, StreamObserver<SeriesResponse> responses) {
        ServerCallStreamObserver<SeriesResponse> out = (ServerCallStreamObserver<SeriesResponse>) responses;
        List<Matcher> local;
        try {
            local = localMatchers(request.getMatchersList(), request.getMinTime(), request.getMaxTime());
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        }
        if (local == null) {
            out.onCompleted();
            return;
        }
        if (local.isEmpty()) {
            // as Thanos: selecting every series of a store is never what a query meant
            out.onError(Status.INVALID_ARGUMENT.withDescription("no matchers specified (excluding external labels)")
                    .asRuntimeException());
            return;
        }
        new SeriesStream(out, request, local).start();
    }

    @Override
    public void labelNames(LabelNamesRequest request, StreamObserver<LabelNamesResponse> out) {
        try {
            List<Matcher> local = localMatchers(request.getMatchersList(), request.getStart(), request.getEnd());
            TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
            CollectedWarnings warnings = new CollectedWarnings();
            if (local != null) {
                try (Querier q = storage.querier(request.getStart(), request.getEnd(), warnings)) {
                    names.addAll(q.labelNames(local));
                }
                // Thanos reports external label names only when there is any local series they go with
                if (!names.isEmpty()) {
                    external.forEach((n, v) -> names.add(n));
                }
            }
            List<String> sorted = limit(new ArrayList<>(names), request.getLimit());
            warnings.checkStrategy(request.getPartialResponseStrategy(), request.getPartialResponseDisabled());
            out.onNext(LabelNamesResponse.newBuilder().addAllNames(sorted).addAllWarnings(warnings.list()).build());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(status(e, "label names in [" + request.getStart() + ", " + request.getEnd() + "]"));
        }
    }

    @Override
    public void labelValues(LabelValuesRequest request, StreamObserver<LabelValuesResponse> out) {
        try {
            if (request.getLabel().isEmpty()) {
                throw Status.INVALID_ARGUMENT.withDescription("label values: no label name given").asRuntimeException();
            }
            List<Matcher> local = localMatchers(request.getMatchersList(), request.getStart(), request.getEnd());
            List<String> values = new ArrayList<>();
            CollectedWarnings warnings = new CollectedWarnings();
            if (local != null) {
                try (Querier q = storage.querier(request.getStart(), request.getEnd(), warnings)) {
                    if (external.has(request.getLabel())) {
                        // every local series carries the external value once served
                        if (!q.labelNames(local).isEmpty()) {
                            values.add(external.get(request.getLabel()));
                        }
                    } else {
                        values.addAll(q.labelValues(request.getLabel(), local));
                    }
                }
            }
            warnings.checkStrategy(request.getPartialResponseStrategy(), request.getPartialResponseDisabled());
            out.onNext(LabelValuesResponse.newBuilder().addAllValues(limit(values, request.getLimit()))
                    .addAllWarnings(warnings.list()).build());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(status(e, "label values of " + request.getLabel() + " in [" + request.getStart() + ", "
                    + request.getEnd() + "]"));
        }
    }

    /**
     * The request's downsampling wishes as select hints: {@code max_resolution_window} is the coarsest
     * resolution it accepts, and the aggregates a Thanos querier asks for name the function it evaluates
     * ({@code [COUNTER]} for rate and the like, {@code [MAX]} for max_over_time...; count and sum
     * together, or nothing, for plain selectors). The chosen aggregate goes out as plain XOR samples,
     * which is what a querier reads from a chunk's raw field.
     */
    static SelectHints hints(SeriesRequest r) {
        String func = "";
        if (r.getAggregatesCount() == 1) {
            func = switch (r.getAggregates(0)) {
                case COUNTER -> "rate";
                case MAX -> "max_over_time";
                case MIN -> "min_over_time";
                case SUM -> "sum_over_time";
                case COUNT -> "count_over_time";
                default -> "";
            };
        }
        return new SelectHints(r.getMinTime(), r.getMaxTime(), 0, func, 0, Math.max(0, r.getMaxResolutionWindow()));
    }

    /** Local matchers, or null when an external-label matcher rules this store out. */
    private List<Matcher> localMatchers(List<dev.cairn.storeapi.pb.thanos.LabelMatcher> wire, long mint, long maxt) {
        if (mint > maxt) {
            throw Status.INVALID_ARGUMENT.withDescription("time range [" + mint + ", " + maxt + "] ends before it starts")
                    .asRuntimeException();
        }
        List<Matcher> matchers;
        try {
            matchers = Matchers.fromProto(wire);
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("bad matcher: " + e.getMessage()).asRuntimeException();
        }
        return Matchers.withoutExternal(matchers, external);
    }

    private static List<String> limit(List<String> values, long limit) {
        return limit > 0 && values.size() > limit ? values.subList(0, (int) limit) : values;
    }

    static StatusRuntimeException status(RuntimeException e, String doing) {
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        Status s = e instanceof IllegalArgumentException ? Status.INVALID_ARGUMENT
                : e instanceof CorruptionException ? Status.DATA_LOSS
                : Status.INTERNAL;
        return s.withDescription(doing + ": " + e.getMessage()).withCause(e).asRuntimeException();
    }

    /** Warnings of one call's storage, from any thread; equal ones kept once, in order. */
    private static final class CollectedWarnings implements Consumer<String> {
        private final LinkedHashSet<String> messages = new LinkedHashSet<>();

        @Override
        public synchronized void accept(String message) {
            messages.add(message);
        }

        synchronized List<String> list() {
            return new ArrayList<>(messages);
        }

        /** With partial responses refused by the caller (ABORT), a warning fails the call instead. */
        void checkStrategy(PartialResponseStrategy strategy, boolean disabled) {
            List<String> l = list();
            if (!l.isEmpty() && (strategy == PartialResponseStrategy.ABORT || disabled)) {
                throw Status.UNAVAILABLE.withDescription("partial response refused by the caller (strategy ABORT): "
                        + String.join("; ", l)).asRuntimeException();
            }
        }
    }

    /** One Series call: pulls series from storage while the transport is ready. */
    private final class SeriesStream implements Runnable {
        private final ServerCallStreamObserver<SeriesResponse> out;
        private final SeriesRequest request;
        private final List<Matcher> matchers;
        private final SeriesEncoder encoder = new SeriesEncoder(external);
        private final int batchSize;
        private final long limit;
        private final CollectedWarnings warnings = new CollectedWarnings();
        private Querier querier;
        private dev.cairn.tsdb.storage.SeriesSet set;
        private SeriesBatch.Builder batch;
        private long sent;
        private long batchBytes;
        private boolean done;

        SeriesStream(ServerCallStreamObserver<SeriesResponse> out, SeriesRequest request, List<Matcher> matchers) {
            this.out = out;
            this.request = request;
            this.matchers = matchers;
            this.batchSize = (int) Math.max(1, Math.min(request.getResponseBatchSize(), MAX_BATCH));
            this.limit = request.getLimit() > 0 ? request.getLimit() : Long.MAX_VALUE;
        }

        void start() {
            out.setOnCancelHandler(this::finish);
            out.setOnReadyHandler(this);
            try {
                querier = storage.querier(request.getMinTime(), request.getMaxTime(), warnings);
                set = querier.select(hints(request), matchers);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            run();
        }

        /** Sends series until the transport pushes back, the call is cancelled or the set ends. */
        @Override
        public void run() {
            if (done) {
                return;
            }
            try {
                while (out.isReady()) {
                    if (out.isCancelled()) {
                        finish();
                        return;
                    }
                    if (sent >= limit || !set.next()) {
                        finish();
                        if (batch != null && batch.getSeriesCount() > 0) {
                            out.onNext(SeriesResponse.newBuilder().setBatch(batch).build());
                        }
                        // after the series: storage reports what it left out while they were read
                        warnings.checkStrategy(request.getPartialResponseStrategy(),
                                request.getPartialResponseDisabled());
                        for (String w : warnings.list()) {
                            out.onNext(SeriesResponse.newBuilder().setWarning(w).build());
                        }
                        out.onCompleted();
                        return;
                    }
                    Series s = encoder.encode(set.at(), request.getSkipChunks());
                    sent++;
                    if (batchSize == 1) {
                        out.onNext(SeriesResponse.newBuilder().setSeries(s).build());
                        continue;
                    }
                    if (batch == null) {
                        batch = SeriesBatch.newBuilder();
                    }
                    batch.addSeries(s);
                    batchBytes += s.getSerializedSize();
                    if (batch.getSeriesCount() >= batchSize || batchBytes >= MAX_BATCH_BYTES) {
                        out.onNext(SeriesResponse.newBuilder().setBatch(batch).build());
                        batch.clear();
                        batchBytes = 0;
                    }
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fail(RuntimeException e) {
            finish();
            if (!out.isCancelled()) {
                out.onError(status(e, "series in [" + request.getMinTime() + ", " + request.getMaxTime() + "] matching "
                        + matchers));
            }
        }

        private void finish() {
            if (done) {
                return;
            }
            done = true;
            if (querier != null) {
                querier.close();
            }
        }
    }
}
