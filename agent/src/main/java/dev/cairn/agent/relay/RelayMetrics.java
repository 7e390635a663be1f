package dev.cairn.agent.relay;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The relay's counters and gauges, rendered in the Prometheus text format by {@link #render}.
 * One instance per relay, passed by constructor (no static registry). Counters only grow;
 * gauges are set by the relay's maintenance loop.
 */
public final class RelayMetrics {
    final LongAdder samplesIn = new LongAdder();
    final LongAdder requestsIn = new LongAdder();
    final LongAdder bytesAppended = new LongAdder();
    final LongAdder samplesOut = new LongAdder();
    final LongAdder requestsOut = new LongAdder();
    final LongAdder samplesRetried = new LongAdder();
    final LongAdder requestsFailed = new LongAdder();
    final LongAdder samplesDroppedRejected = new LongAdder();
    final LongAdder samplesDroppedBudget = new LongAdder();
    final LongAdder bytesDroppedBudget = new LongAdder();
    final LongAdder sendNanos = new LongAdder();
    final AtomicLong queueBytes = new AtomicLong();
    final AtomicLong queueMaxBytes = new AtomicLong();
    final AtomicLong oldestUnsentMillis = new AtomicLong();
    final AtomicLong shards = new AtomicLong();
    final AtomicLong shardsDesired = new AtomicLong();
    final AtomicLong pendingSamples = new AtomicLong();
    final LongAdder queueWriteFailures = new LongAdder();
    final LongAdder requestsRefusedQueueFailed = new LongAdder();
    /** 1 while the disk queue takes writes, 0 while it refuses them after a failed write (disk full). */
    final AtomicLong queueWritable = new AtomicLong(1);

    public long samplesIn() {
        return samplesIn.sum();
    }

    public long samplesOut() {
        return samplesOut.sum();
    }

    public long samplesRetried() {
        return samplesRetried.sum();
    }

    /** Samples the downstream refused for good (4xx other than 429). */
    public long samplesDroppedRejected() {
        return samplesDroppedRejected.sum();
    }

    /** Samples dropped unsent because the queue exceeded its disk budget. */
    public long samplesDroppedBudget() {
        return samplesDroppedBudget.sum();
    }

    public long queueBytes() {
        return queueBytes.get();
    }

    /** Age of the oldest sample read from the queue and not yet acknowledged, seconds (0 when none). */
    public double oldestUnsentAgeSeconds() {
        return oldestUnsentMillis.get() / 1000.0;
    }

    /** 1 while the disk queue takes writes, 0 while a failed write (disk full?) makes it refuse them. */
    public long queueWritable() {
        return queueWritable.get();
    }

    /** Remote-write requests answered 500 because the disk queue could not take them. */
    public long requestsRefusedQueueFailed() {
        return requestsRefusedQueueFailed.sum();
    }

    public int shards() {
        return (int) shards.get();
    }

    /** The Prometheus text exposition format (version 0.0.4). */
    public String render() {
        StringBuilder sb = new StringBuilder(2048);
        counter(sb, "cairn_relay_requests_received_total", "Remote-write requests accepted onto the disk queue.",
                requestsIn.sum());
        counter(sb, "cairn_relay_samples_received_total", "Samples accepted onto the disk queue (answered 204).",
                samplesIn.sum());
        counter(sb, "cairn_relay_queue_bytes_appended_total", "Bytes of records appended to the disk queue.",
                bytesAppended.sum());
        counter(sb, "cairn_relay_samples_sent_total", "Samples the downstream acknowledged with 2xx.",
                samplesOut.sum());
        counter(sb, "cairn_relay_requests_sent_total", "Requests the downstream acknowledged with 2xx.",
                requestsOut.sum());
        counter(sb, "cairn_relay_samples_retried_total", "Samples of requests retried after a 5xx, 429 or network error.",
                samplesRetried.sum());
        counter(sb, "cairn_relay_requests_failed_total", "Attempts that failed (5xx, 429, 4xx, network error).",
                requestsFailed.sum());
        sb.append("# HELP cairn_relay_samples_dropped_total Samples never delivered, by reason: "
                + "rejected (downstream answered 4xx) or disk_budget (max_queue_bytes exceeded).\n");
        sb.append("# TYPE cairn_relay_samples_dropped_total counter\n");
        sb.append("cairn_relay_samples_dropped_total{reason=\"rejected\"} ").append(samplesDroppedRejected.sum()).append('\n');
        sb.append("cairn_relay_samples_dropped_total{reason=\"disk_budget\"} ").append(samplesDroppedBudget.sum())
                .append('\n');
        counter(sb, "cairn_relay_queue_bytes_dropped_total", "Bytes of queue segments deleted over the disk budget.",
                bytesDroppedBudget.sum());
        counter(sb, "cairn_relay_queue_write_failures_total", "Writes or fsyncs of the disk queue that failed "
                + "(disk full or broken); each makes the queue refuse requests until it reopens.", queueWriteFailures.sum());
        counter(sb, "cairn_relay_requests_refused_queue_failed_total", "Remote-write requests answered 500 because "
                + "the disk queue could not take them; Prometheus keeps and retries them.",
                requestsRefusedQueueFailed.sum());
        gauge(sb, "cairn_relay_queue_writable", "1 while the disk queue takes writes; 0 while it refuses them after a "
                + "failed write (free disk space: it resumes by itself).", queueWritable.get());
        gauge(sb, "cairn_relay_queue_bytes", "Bytes of the disk queue's segments.", queueBytes.get());
        gauge(sb, "cairn_relay_queue_max_bytes", "The disk queue's budget (relay.max_queue_bytes); over it the oldest"
                + " data is dropped.", queueMaxBytes.get());
        gauge(sb, "cairn_relay_pending_samples", "Samples read from disk and waiting in shards or in flight.",
                pendingSamples.get());
        long oldest = oldestUnsentMillis.get();
        gauge(sb, "cairn_relay_oldest_unsent_sample_age_seconds",
                "Age of the oldest sample read from the queue and not yet acknowledged (0 when none).",
                oldest / 1000.0);
        gauge(sb, "cairn_relay_shards", "Forwarding shards running.", shards.get());
        gauge(sb, "cairn_relay_shards_desired", "Shards the throughput calls for, within min_shards and max_shards.",
                shardsDesired.get());
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ');
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
        sb.append('\n');
    }
}
