package dev.cairn.appliance.receive;

import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.storeapi.remotewrite.RemoteWriteSink;
import dev.cairn.storeapi.remotewrite.WriteRejectedException;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.head.AppendResult;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.ToDoubleFunction;

/**
 * Remote write into the receiver's {@link Db}: each request is one head commit, so it is
 * acknowledged (204) only once its samples are in the WAL as durably as the configured sync policy
 * promises, and visible to queries. Which samples are taken follows the head (window relative to the
 * head's own data, out-of-order and duplicate checks); as in Prometheus's receiver, the valid samples
 * of a request are stored and the request is answered 400 when some were refused, so the sender
 * drops rather than retries them.
 *
 * <p>Thread-safe: appenders are pooled, one per concurrent request. {@link #close()} waits for the
 * requests in flight, then later ones are answered 500 (the sender retries after the restart).
 */
public final class Receiver implements RemoteWriteSink, MetricsSource {
    private static final int MAX_REASON_SAMPLES = 3;

    private final Db db;
    private final ConcurrentLinkedQueue<HeadAppender> appenders = new ConcurrentLinkedQueue<>();
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed; // guarded by closing

    private final LongAdder requests = new LongAdder();
    private final LongAdder requestsRefused = new LongAdder();
    private final LongAdder requestsFailed = new LongAdder();
    private final LongAdder samplesIngested = new LongAdder();
    private final LongAdder seriesReceived = new LongAdder();
    /** Indexed by AppendResult.ordinal(); OK unused. */
    private final LongAdder[] rejected = new LongAdder[AppendResult.values().length];

    public Receiver(Db db) {
        this.db = db;
        for (int i = 0; i < rejected.length; i++) {
            rejected[i] = new LongAdder();
        }
    }

    public Db db() {
        return db;
    }

    @Override
    public void write(List<DecodedSeries> series) throws WriteRejectedException, IOException {
        ReentrantReadWriteLock.ReadLock lock = closing.readLock();
        lock.lock();
        try {
            if (closed) {
                requestsFailed.increment();
                throw new IOException("the receiver is shutting down; retry after it restarts");
            }
            requests.increment();
            writeOpen(series);
        } finally {
            lock.unlock();
        }
    }

    private void writeOpen(List<DecodedSeries> series) throws WriteRejectedException, IOException {
        HeadAppender app = appenders.poll();
        if (app == null) {
            app = db.appender();
        }
        long[] refusedByReason = null;
        StringBuilder examples = null;
        int exampleCount = 0;
        int committed;
        try {
            for (DecodedSeries s : series) {
                Labels ls = s.labels();
                long[] ts = s.timestamps();
                double[] vs = s.values();
                for (int i = 0; i < ts.length; i++) {
                    AppendResult r = app.append(ls, ts[i], vs[i]);
                    if (r != AppendResult.OK) {
                        if (refusedByReason == null) {
                            refusedByReason = new long[rejected.length];
                            examples = new StringBuilder();
                        }
                        refusedByReason[r.ordinal()]++;
                        if (exampleCount < MAX_REASON_SAMPLES) {
                            examples.append(exampleCount == 0 ? "" : "; ").append(r.message()).append(" for series ")
                                    .append(ls).append(" at ").append(ts[i]);
                            exampleCount++;
                        }
                    }
                }
            }
            committed = app.commit();
        } catch (IOException | RuntimeException e) {
            requestsFailed.increment();
            // a failed commit fails the WAL for good; a rollback would only fail again
            throw new IOException("writing " + series.size() + " series to the head's WAL in " + db.dir()
                    + " failed: " + e.getMessage(), e);
        } finally {
            appenders.offer(app);
        }
        samplesIngested.add(committed);
        seriesReceived.add(series.size());
        db.compactSoon();
        if (refusedByReason != null) {
            long total = 0;
            for (int i = 0; i < refusedByReason.length; i++) {
                rejected[i].add(refusedByReason[i]);
                total += refusedByReason[i];
            }
            requestsRefused.increment();
            throw new WriteRejectedException(total + " samples refused (" + committed + " stored): " + examples);
        }
    }

    /** Stops taking writes once those in flight are done. Does not close the Db. */
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = closing.writeLock();
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    public long samplesIngested() {
        return samplesIngested.sum();
    }

    @Override
    public void writeMetrics(MetricsText out) {
        writeMetrics(out, Map.of("", this), null);
    }

    /**
     * The receive and head metrics of several receivers, each family once: with {@code label} null the single
     * receiver's samples carry no label (tenancy off); else each receiver's carry {@code label=<its key>}.
     */
    static void writeMetrics(MetricsText out, Map<String, Receiver> receivers, String label) {
        counter(out, receivers, label, "cairn_receive_requests_total", "Remote write requests that reached the head.",
                r -> r.requests.sum());
        counter(out, receivers, label, "cairn_receive_requests_refused_total",
                "Remote write requests answered 400 because some of their samples were refused.",
                r -> r.requestsRefused.sum());
        counter(out, receivers, label, "cairn_receive_requests_failed_total",
                "Remote write requests answered 500 (WAL failure or shutting down); the sender retries.",
                r -> r.requestsFailed.sum());
        counter(out, receivers, label, "cairn_receive_samples_ingested_total", "Samples committed to the head.",
                r -> r.samplesIngested.sum());
        out.family("cairn_receive_samples_rejected_total", "counter", "Samples refused by the head, by reason.");
        for (Map.Entry<String, Receiver> e : receivers.entrySet()) {
            for (AppendResult r : AppendResult.values()) {
                if (r != AppendResult.OK) {
                    String reason = r.name().toLowerCase(java.util.Locale.ROOT);
                    double v = e.getValue().rejected[r.ordinal()].sum();
                    if (label == null) {
                        out.sample("cairn_receive_samples_rejected_total", v, "reason", reason);
                    } else {
                        out.sample("cairn_receive_samples_rejected_total", v, "reason", reason, label, e.getKey());
                    }
                }
            }
        }
        gauge(out, receivers, label, "cairn_tsdb_head_series", "gauge", "Series in the head.",
                r -> r.db.head().numSeries());
        gauge(out, receivers, label, "cairn_tsdb_head_samples_appended_total", "counter", "Samples appended to the head.",
                r -> r.db.head().stats().samplesAppended());
        gauge(out, receivers, label, "cairn_tsdb_head_series_created_total", "counter", "Series created in the head.",
                r -> r.db.head().stats().seriesCreated());
        gauge(out, receivers, label, "cairn_tsdb_head_series_removed_total", "counter", "Series removed from the head.",
                r -> r.db.head().stats().seriesRemoved());
        gauge(out, receivers, label, "cairn_tsdb_head_chunks_created_total", "counter", "Head chunks created.",
                r -> r.db.head().stats().chunksCreated());
        gauge(out, receivers, label, "cairn_tsdb_head_min_time", "gauge",
                "Oldest sample time in the head, ms (0 when empty).",
                r -> r.db.head().initialized() ? r.db.head().minTime() : 0);
        gauge(out, receivers, label, "cairn_tsdb_head_max_time", "gauge",
                "Newest sample time in the head, ms (0 when empty).",
                r -> r.db.head().initialized() ? r.db.head().maxTime() : 0);
        gauge(out, receivers, label, "cairn_tsdb_blocks_loaded", "gauge", "Blocks on the receiver's local disk.",
                r -> r.db.blocks().size());
    }

    private static void counter(MetricsText out, Map<String, Receiver> receivers, String label, String name,
                                String help, ToDoubleFunction<Receiver> value) {
        gauge(out, receivers, label, name, "counter", help, value);
    }

    /** One family of any type, a sample per receiver. */
    private static void gauge(MetricsText out, Map<String, Receiver> receivers, String label, String name,
                              String type, String help, ToDoubleFunction<Receiver> value) {
        out.family(name, type, help);
        for (Map.Entry<String, Receiver> e : receivers.entrySet()) {
            if (label == null) {
                out.sample(name, value.applyAsDouble(e.getValue()));
            } else {
                out.sample(name, value.applyAsDouble(e.getValue()), label, e.getKey());
            }
        }
    }
}
