package dev.cairn.appliance.promql;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What all evaluators of one query share: storage, options, the query's own start and end (for
 * {@code @ start()} / {@code @ end()}), the deadline, the cancel flag and the count of samples held.
 */
final class QueryContext {
    final QuerierFactory queriers;
    final EngineOptions options;
    final long queryStart;
    final long queryEnd;
    private final long deadlineNanos;
    private final AtomicBoolean canceled;
    /** Samples currently held by the evaluation, as Prometheus's currentSamples. */
    long samples;

    QueryContext(QuerierFactory queriers, EngineOptions options, long queryStart, long queryEnd,
                 long deadlineNanos, AtomicBoolean canceled) {
        this.queriers = queriers;
        this.options = options;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.deadlineNanos = deadlineNanos;
        this.canceled = canceled;
    }

    /** Throws Prometheus's timeout or cancel error when the query must stop. */
    void checkDone() {
        if (canceled.get() || Thread.currentThread().isInterrupted()) {
            throw new PromqlException(PromqlException.Type.CANCELED, "query was canceled in expression evaluation");
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new PromqlException(PromqlException.Type.TIMEOUT, "query timed out in expression evaluation");
        }
    }

    void addSamples(long n) {
        samples += n;
        if (samples > options.maxSamples()) {
            throw new PromqlException(PromqlException.Type.EXECUTION,
                    "query processing would load too many samples into memory in query execution");
        }
    }
}
