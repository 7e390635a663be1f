package dev.cairn.agent.relay;

import dev.cairn.agent.config.AgentConfig.QueueConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One forwarding shard, as in Prometheus's remote-write queue: a bounded in-memory queue of series
 * slices ({@code capacity} samples) and a thread that cuts it into batches of at most
 * {@code max_samples_per_send} samples, or fewer once the first sample of a batch has waited
 * {@code batch_send_deadline}, and sends each batch until the downstream answers:
 * <ul>
 *   <li>2xx — sent;
 *   <li>429, 5xx, or a network error/timeout — retried, the same batch, after a back-off that
 *       starts at {@code min_backoff} and doubles up to {@code max_backoff}; the shard sends
 *       nothing else meanwhile, so the order of each series is kept and the queue fills up, which
 *       pauses reading from disk (the data waits there, not in memory);
 *   <li>any other 4xx — the downstream will never take this data: dropped, counted
 *       ({@code cairn_relay_samples_dropped_total{reason="rejected"}}) and logged with the reason.
 * </ul>
 * Each series always goes to the same shard, so its samples are sent in order.
 *
 * <p>The forwarder's commit watermark asks {@link #firstPendingSeq()}: the queue record sequence
 * number of the oldest slice not yet answered. Slices leave in FIFO order, so every record before
 * it is done as far as this shard is concerned.
 */
final class Shard implements Runnable {
    private static final System.Logger LOG = System.getLogger(Shard.class.getName());
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int index;
    private final QueueConfig cfg;
    private final Downstream downstream;
    private final RelayMetrics metrics;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private int queued;
    private long inflightFirstSeq = Long.MAX_VALUE;
    private long inflightOldestTs = Long.MAX_VALUE;
    private int inflightSamples;

    private volatile boolean stopping;
    private volatile long lastFailureNanos = Long.MIN_VALUE / 2;
    private long lastLogNanos = Long.MIN_VALUE / 2;
    private Thread thread;

    Shard(int index, QueueConfig cfg, Downstream downstream, RelayMetrics metrics) {
        this.index = index;
        this.cfg = cfg;
        this.downstream = downstream;
        this.metrics = metrics;
    }

    void start() {
        thread = new Thread(this, "cairn-relay-shard-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the current attempt (interrupted); what was not answered stays on disk for the next start. */
    void stop() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /**
     * Queues {@code it}, waiting up to {@code timeoutNanos} for room. An item larger than the
     * capacity is taken when the queue is empty, so no series can block the shard for ever.
     */
    boolean offer(Item it, long timeoutNanos) throws InterruptedException {
        int n = it.count - it.from;
        lock.lock();
        try {
            while (queued > 0 && queued + n > cfg.capacity()) {
                if (timeoutNanos <= 0) {
                    return false;
                }
                timeoutNanos = notFull.awaitNanos(timeoutNanos);
            }
            queue.addLast(it);
            queued += n;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code items[from..]} in order under one lock acquisition and one wake-up of the
     * shard thread, waiting up to {@code timeoutNanos} in all for room; returns how many it queued.
     * As {@link #offer}, an item larger than the capacity is taken when the queue is empty.
     */
    int offerAll(List<Item> items, int from, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            int i = from;
            for (int end = items.size(); i < end; i++) {
                Item it = items.get(i);
                int n = it.count - it.from;
                while (queued > 0 && queued + n > cfg.capacity()) {
                    if (i > from) {
                        notEmpty.signal(); // the shard drains what is queued meanwhile
                    }
                    if (timeoutNanos <= 0) {
                        return i - from;
                    }
                    timeoutNanos = notFull.awaitNanos(timeoutNanos);
                }
                queue.addLast(it);
                queued += n;
            }
            notEmpty.signal();
            return i - from;
        } finally {
            lock.unlock();
        }
    }

    /** Sequence number of the oldest queue record with a slice here not yet answered; MAX_VALUE if none. */
    long firstPendingSeq() {
        lock.lock();
        try {
            if (inflightFirstSeq != Long.MAX_VALUE) {
                return inflightFirstSeq;
            }
            Item head = queue.peekFirst();
            return head == null ? Long.MAX_VALUE : head.seq;
        } finally {
            lock.unlock();
        }
    }

    /** Timestamp (ms) of about the oldest sample here not yet answered; MAX_VALUE if none. */
    long oldestPendingTimestamp() {
        lock.lock();
        try {
            Item head = queue.peekFirst();
            long q = head == null ? Long.MAX_VALUE : head.timestamp(head.from);
            return Math.min(q, inflightOldestTs);
        } finally {
            lock.unlock();
        }
    }

    int pendingSamples() {
        lock.lock();
        try {
            return queued + inflightSamples;
        } finally {
            lock.unlock();
        }
    }

    boolean idle() {
        lock.lock();
        try {
            return queue.isEmpty() && inflightFirstSeq == Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
    }

    /** System.nanoTime() of the last failed attempt. */
    long lastFailureNanos() {
        return lastFailureNanos;
    }

    @Override
    public void run() {
        int max = cfg.maxSamplesPerSend();
        Item[] items = new Item[max];
        int[] from = new int[max];
        int[] to = new int[max];
        BatchEncoder encoder = new BatchEncoder();
        long deadlineNanos = cfg.batchSendDeadline().toNanos();
        try {
            while (!stopping) {
                int n = 0;
                int samples = 0;
                lock.lock();
                try {
                    while (queue.isEmpty()) {
                        notEmpty.await();
                    }
                    long deadline = System.nanoTime() + deadlineNanos;
                    while (samples < max) {
                        Item it = queue.peekFirst();
                        if (it == null) {
                            long left = deadline - System.nanoTime();
                            if (left <= 0) {
                                break;
                            }
                            notFull.signalAll(); // room was made: let the dispatcher refill while we wait
                            notEmpty.awaitNanos(left);
                            continue;
                        }
                        int take = Math.min(it.count - it.from, max - samples);
                        if (n == 0) {
                            inflightFirstSeq = it.seq;
                            inflightOldestTs = it.timestamp(it.from);
                        }
                        items[n] = it;
                        from[n] = it.from;
                        to[n] = it.from + take;
                        n++;
                        it.from += take;
                        samples += take;
                        queued -= take;
                        inflightSamples += take;
                        if (it.from == it.count) {
                            queue.pollFirst();
                        }
                    }
                    notFull.signalAll(); // once per batch: the dispatcher refills in bulk
                } finally {
                    lock.unlock();
                }
                encoder.encode(items, from, to, n);
                if (!deliver(encoder, samples)) {
                    return; // stopping; the batch stays unacknowledged and is sent again after a restart
                }
                lock.lock();
                try {
                    inflightFirstSeq = Long.MAX_VALUE;
                    inflightOldestTs = Long.MAX_VALUE;
                    inflightSamples = 0;
                } finally {
                    lock.unlock();
                }
                java.util.Arrays.fill(items, 0, n, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping
        }
    }

    /** Sends until answered; false when stopped first. */
    private boolean deliver(BatchEncoder enc, int samples) throws InterruptedException {
        long backoff = cfg.minBackoff().toNanos();
        while (true) {
            String failure;
            Duration retryAfter = null;
            long start = System.nanoTime();
            try {
                Downstream.Answer a = downstream.send(enc.body(), enc.bodyLength());
                int s = a.status();
                if (s / 100 == 2) {
                    metrics.sendNanos.add(System.nanoTime() - start);
                    metrics.samplesOut.add(samples);
                    metrics.requestsOut.increment();
                    return true;
                }
                metrics.requestsFailed.increment();
                if (s / 100 == 4 && s != 429) {
                    metrics.samplesDroppedRejected.add(samples);
                    LOG.log(System.Logger.Level.WARNING, "downstream {0} refused {1} samples with HTTP {2} ({3}); "
                            + "dropped them, not retrying: the receiver will never take this data",
                            downstream.url(), samples, s, a.body());
                    return true;
                }
                failure = "HTTP " + s + " (" + a.body() + ")";
                if (s == 429 || s == 503) {
                    retryAfter = RetryAfter.parse(a.retryAfter(), System.currentTimeMillis());
                    if (retryAfter != null && retryAfter.isZero()) {
                        retryAfter = null; // "now" (or a past date): back off anyway rather than hammer it
                    }
                }
            } catch (IOException e) {
                metrics.requestsFailed.increment();
                failure = e.toString();
            }
            if (stopping) {
                return false;
            }
            long now = System.nanoTime();
            lastFailureNanos = now;
            metrics.samplesRetried.add(samples);
            // the receiver's Retry-After replaces the back-off for this attempt, as in Prometheus's sender
            long wait = retryAfter != null ? retryAfter.toNanos() : backoff;
            if (now - lastLogNanos >= LOG_EVERY_NANOS) {
                lastLogNanos = now;
                LOG.log(System.Logger.Level.WARNING, "shard {0}: sending {1} samples to {2} failed: {3}; retrying "
                        + "in {4} ms{5} (the data waits on the disk queue)", index, samples, downstream.url(), failure,
                        TimeUnit.NANOSECONDS.toMillis(wait), retryAfter != null ? " as its Retry-After asks" : "");
            }
            TimeUnit.NANOSECONDS.sleep(wait);
            backoff = Math.min(backoff * 2, cfg.maxBackoff().toNanos());
        }
    }
}
