package dev.cairn.agent.relay;

import dev.cairn.agent.config.AgentConfig.QueueConfig;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.wal.LiveReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Moves data from the disk queue to the downstream, at least once.
 *
 * <h2>Design</h2>
 * A dispatcher thread follows the queue's WAL with a {@link LiveReader}, numbers each record
 * (sequence numbers start at 1 per run), cuts it into per-series {@link Item}s and routes each to
 * {@code shards[hash(labels) % n]}; it blocks while a shard is full, so a slow or absent
 * downstream leaves the data on disk. After routing record {@code s} it publishes
 * {@code dispatched = s}.
 *
 * <p>A maintenance thread, every 200 ms, computes the commit watermark
 * {@code C = min(dispatched, min over shards of firstPendingSeq - 1)}: since it reads
 * {@code dispatched} first and shards answer in FIFO order, every record up to C has been answered
 * by every shard. The WAL position just after record C is saved durably; segments before it are
 * deleted. After a crash the relay resumes there; records after C that were already sent are
 * sent again. Those duplicates are harmless: a Prometheus-compatible receiver takes a sample with
 * the same series, timestamp and value as one it has as a no-op (only a different value for the
 * same timestamp is refused as a duplicate).
 *
 * <h2>Disk budget</h2>
 * When the segments exceed {@code max_queue_bytes}, the maintenance thread picks the oldest
 * segments to drop (rolling the WAL over first if the open segment must go) and asks the
 * dispatcher to skip past them; the dispatcher counts the samples it skips (exactly: it reads the
 * record headers), the position jumps past them, and the segments are deleted. It is logged at
 * WARNING and counted in {@code cairn_relay_samples_dropped_total{reason="disk_budget"}}. Samples
 * already read into shards from a dropped segment are still sent.
 *
 * <h2>Resharding</h2>
 * Every 10 s the desired shard count is computed as Prometheus does it: time per sample of a
 * successful send, times the rate samples come in plus 5% of the backlog per second; a change of
 * more than 30% within [min_shards, max_shards] is applied by the dispatcher after the shards
 * have drained (so per-series order holds), never while sends are failing, and never downwards
 * while the backlog exceeds what the current shards hold.
 */
final class Forwarder {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long RESHARD_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final DiskQueue queue;
    private final QueueConfig cfg;
    private final Downstream downstream;
    private final RelayMetrics metrics;
    private final long maxQueueBytes;

    private final ArrayDeque<long[]> positions = new ArrayDeque<>(); // {seq, segment, offset}, guarded by itself
    private volatile Shard[] shards;
    private volatile long dispatched;
    private volatile int dropThrough = -1;
    private volatile int droppedThrough = -1;
    private volatile int reshardTo;
    private volatile boolean running;
    private Thread dispatcher;
    private Thread maintenance;
    private LiveReader reader;
    private long seq;
    /** Dispatcher scratch: the items of the record being routed, per shard. */
    private List<Item>[] routed = newRouted(0);

    // Maintenance thread state.
    private QueuePosition committed;
    private QueuePosition saved;
    private long pendingDropBytes;
    private long lastReshardNanos = System.nanoTime();
    private long lastIn;
    private long lastOut;
    private long lastSendNanos;
    private double inRate;
    private double timePerSample;

    Forwarder(DiskQueue queue, QueueConfig cfg, Downstream downstream, RelayMetrics metrics, long maxQueueBytes) {
        this.queue = queue;
        this.cfg = cfg;
        this.downstream = downstream;
        this.metrics = metrics;
        this.maxQueueBytes = maxQueueBytes;
    }

    void start() throws IOException {
        committed = queue.loadPosition();
        saved = committed;
        reader = new LiveReader(queue.dir(), committed.segment(), committed.offset());
        Shard[] s = new Shard[cfg.minShards()];
        for (int i = 0; i < s.length; i++) {
            s[i] = new Shard(i, cfg, downstream, metrics);
            s[i].start();
        }
        shards = s;
        reshardTo = s.length;
        metrics.shards.set(s.length);
        metrics.shardsDesired.set(s.length);
        running = true;
        dispatcher = new Thread(this::dispatchLoop, "cairn-relay-dispatcher");
        maintenance = new Thread(this::maintenanceLoop, "cairn-relay-maintenance");
        dispatcher.setDaemon(true);
        maintenance.setDaemon(true);
        queue.onAppend(() -> LockSupport.unpark(dispatcher));
        dispatcher.start();
        maintenance.start();
        LOG.log(System.Logger.Level.INFO, "relay forwarding from {0} at {1} to {2} with {3} shards",
                queue.dir(), committed, downstream.url(), s.length);
    }

    /** Stops reading and sending, then saves the position reached. Unanswered data stays on disk. */
    void stop() throws InterruptedException, IOException {
        running = false;
        LockSupport.unpark(dispatcher);
        dispatcher.join(TimeUnit.SECONDS.toMillis(30));
        maintenance.interrupt();
        maintenance.join(TimeUnit.SECONDS.toMillis(30));
        for (Shard s : shards) {
            s.stop();
        }
        maintain(); // the final commit: everything answered before the stop
        reader.close();
    }

    // ---- dispatcher thread ----

    private void dispatchLoop() {
        while (running) {
            try {
                int drop = dropThrough;
                if (drop > droppedThrough) {
                    if (drop >= reader.segment()) {
                        skipDropped(drop);
                        continue;
                    }
                    droppedThrough = drop;
                }
                if (reshardTo != shards.length) {
                    reshard(reshardTo);
                }
                if (!reader.next()) {
                    // every append, drop plan, reshard and stop unparks us; the timeout is a safety net
                    // (at 20 ms this loop was most of an idle agent's CPU)
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                    continue;
                }
                dispatch(reader.segment(), reader.offset(), reader.record());
            } catch (CorruptionException e) {
                LOG.log(System.Logger.Level.ERROR, "relay queue record is damaged (" + e.getMessage()
                        + "); skipping the rest of segment " + reader.segment() + " - its data is lost", e);
                reopen(reader.segment() + 1);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "relay dispatcher failed reading the queue in " + queue.dir()
                        + "; retrying in 1 s", e);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void reopen(int segment) {
        try {
            reader.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing queue reader failed", e);
        }
        reader = new LiveReader(queue.dir(), segment, 0);
    }

    private void dispatch(int segment, long offset, ByteBuffer record) throws InterruptedException {
        byte[] rec = new byte[record.remaining()];
        record.get(rec);
        ByteBuffer b = ByteBuffer.wrap(rec);
        QueueRecord.check(b);
        long s = ++seq;
        synchronized (positions) {
            positions.addLast(new long[] {s, segment, offset});
        }
        int series = b.getInt(5);
        int p = QueueRecord.HEADER;
        Shard[] sh = shards;
        if (routed.length != sh.length) {
            routed = newRouted(sh.length);
        }
        // Route first, then hand each shard its items at once: one lock and one wake-up per shard
        // and record instead of one per series.
        for (int i = 0; i < series; i++) {
            int labelsLen = b.getInt(p);
            int labelsOff = p + 4;
            int count = b.getInt(labelsOff + labelsLen);
            int samplesOff = labelsOff + labelsLen + 4;
            p = samplesOff + 16 * count;
            if (count == 0) {
                continue;
            }
            Item it = new Item(rec, labelsOff, labelsLen, samplesOff, count, s);
            routed[Math.floorMod(it.seriesHash(), sh.length)].add(it);
        }
        try {
            for (int k = 0; k < sh.length; k++) {
                List<Item> items = routed[k];
                int done = 0;
                while (done < items.size()) {
                    done += sh[k].offerAll(items, done, TimeUnit.MILLISECONDS.toNanos(100));
                    if (done == items.size()) {
                        break;
                    }
                    if (!running) {
                        return; // not dispatched: the record is read again after the restart
                    }
                    if (dropThrough >= segment) {
                        long lost = 0;
                        for (int j = k; j < sh.length; j++) {
                            for (int q = j == k ? done : 0; q < routed[j].size(); q++) {
                                lost += routed[j].get(q).count;
                            }
                        }
                        metrics.samplesDroppedBudget.add(lost);
                        dispatched = s;
                        return;
                    }
                }
            }
            dispatched = s;
        } finally {
            for (List<Item> l : routed) {
                l.clear();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Item>[] newRouted(int n) {
        List<Item>[] r = new List[n];
        for (int i = 0; i < n; i++) {
            r[i] = new ArrayList<>();
        }
        return r;
    }

    /** Reads past every record in segments up to {@code drop}, counting their samples as dropped. */
    private void skipDropped(int drop) throws IOException, InterruptedException {
        long samples = 0;
        int first = reader.segment();
        while (reader.segment() <= drop) {
            if (!reader.next()) {
                if (reader.segment() <= drop) {
                    reopen(drop + 1);
                }
                break;
            }
            if (reader.segment() > drop) {
                metrics.samplesDroppedBudget.add(samples);
                droppedThrough = drop;
                logDrop(first, drop, samples);
                dispatch(reader.segment(), reader.offset(), reader.record());
                return;
            }
            samples += QueueRecord.samples(reader.record());
        }
        metrics.samplesDroppedBudget.add(samples);
        droppedThrough = drop;
        logDrop(first, drop, samples);
    }

    private void logDrop(int first, int last, long samples) {
        LOG.log(System.Logger.Level.WARNING, "RELAY QUEUE OVER BUDGET: dropped {0} unsent samples (segments {1}..{2}) "
                + "of the disk queue {3} to stay within max_queue_bytes {4}; the downstream {5} has not taken data fast "
                + "enough - check it", samples, first, last, queue.dir(), maxQueueBytes, downstream.url());
    }

    private void reshard(int n) throws InterruptedException {
        Shard[] old = shards;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Shard s : old) {
            while (!s.idle()) {
                if (!running || System.nanoTime() > deadline || dropThrough > droppedThrough) {
                    reshardTo = old.length; // try again at the next evaluation
                    return;
                }
                Thread.sleep(5);
            }
        }
        Shard[] next = new Shard[n];
        for (int i = 0; i < n; i++) {
            if (i < old.length) {
                next[i] = old[i];
            } else {
                next[i] = new Shard(i, cfg, downstream, metrics);
                next[i].start();
            }
        }
        shards = next;
        for (int i = n; i < old.length; i++) {
            old[i].stop();
        }
        metrics.shards.set(n);
        LOG.log(System.Logger.Level.INFO, "relay resharded from {0} to {1} shards", old.length, n);
    }

    // ---- maintenance thread ----

    private void maintenanceLoop() {
        while (running) {
            try {
                maintain();
                TimeUnit.NANOSECONDS.sleep(TICK_NANOS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "relay queue maintenance in " + queue.dir()
                        + " failed (saving the position or deleting segments); retrying", e);
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private synchronized void maintain() throws IOException {
        long c = dispatched;
        Shard[] sh = shards;
        long oldestTs = Long.MAX_VALUE;
        long pending = 0;
        for (Shard s : sh) {
            c = Math.min(c, s.firstPendingSeq() - 1);
            oldestTs = Math.min(oldestTs, s.oldestPendingTimestamp());
            pending += s.pendingSamples();
        }
        QueuePosition p = null;
        synchronized (positions) {
            while (!positions.isEmpty() && positions.peekFirst()[0] <= c) {
                long[] e = positions.pollFirst();
                p = new QueuePosition((int) e[1], e[2]);
            }
        }
        if (p != null) {
            committed = committed.max(p);
        }
        int dropped = droppedThrough;
        if (dropped >= 0) {
            committed = committed.max(new QueuePosition(dropped + 1, 0));
            if (pendingDropBytes > 0) {
                metrics.bytesDroppedBudget.add(pendingDropBytes);
                pendingDropBytes = 0;
            }
        }
        if (!committed.equals(saved)) {
            queue.savePosition(committed);
            saved = committed;
            queue.truncateBefore(committed.segment());
        }
        long size = queue.sizeBytes();
        metrics.queueBytes.set(size);
        metrics.pendingSamples.set(pending);
        metrics.oldestUnsentMillis.set(oldestTs == Long.MAX_VALUE ? 0
                : Math.max(0, System.currentTimeMillis() - oldestTs));
        if (running && size > maxQueueBytes && dropThrough == droppedThrough) {
            planDrop(size);
        }
        long now = System.nanoTime();
        if (running && now - lastReshardNanos >= RESHARD_NANOS) {
            evaluateShards(now, sh, pending);
        }
    }

    private void planDrop(long size) throws IOException {
        long target = maxQueueBytes - maxQueueBytes / 4; // hysteresis: do not drop again at the next append
        int[] segs = queue.segments();
        long freed = 0;
        int last = -1;
        for (int s : segs) {
            if (size - freed <= target) {
                break;
            }
            if (s >= queue.wal().segmentIndex()) {
                queue.wal().nextSegment(); // the open segment must go too: close it so it can be dropped
            }
            freed += queue.segmentBytes(s);
            last = s;
        }
        if (last >= 0) {
            pendingDropBytes = freed;
            LOG.log(System.Logger.Level.WARNING, "RELAY QUEUE OVER BUDGET: {0} bytes in {1} exceed max_queue_bytes "
                    + "{2}; dropping the oldest {3} bytes (segments up to {4})", size, queue.dir(), maxQueueBytes,
                    freed, last);
            dropThrough = last;
            LockSupport.unpark(dispatcher);
        }
    }

    private void evaluateShards(long now, Shard[] sh, long pending) {
        double secs = (now - lastReshardNanos) / 1e9;
        lastReshardNanos = now;
        long in = metrics.samplesIn();
        long out = metrics.samplesOut();
        long sendNanos = metrics.sendNanos.sum();
        double rate = (in - lastIn) / secs;
        inRate = inRate == 0 ? rate : 0.2 * rate + 0.8 * inRate;
        if (out > lastOut) {
            double tps = (sendNanos - lastSendNanos) / 1e9 / (out - lastOut);
            timePerSample = timePerSample == 0 ? tps : 0.2 * tps + 0.8 * timePerSample;
        }
        lastIn = in;
        lastOut = out;
        lastSendNanos = sendNanos;
        for (Shard s : sh) {
            if (now - s.lastFailureNanos() < RESHARD_NANOS) {
                return; // a failing downstream is not helped by more connections
            }
        }
        // Samples taken in this run and not yet answered; at least what sits in the shards (after a
        // restart the disk backlog of earlier runs shows up there as full shards).
        long backlog = Math.max(pending, in - out - metrics.samplesDroppedRejected() - metrics.samplesDroppedBudget());
        double desired = timePerSample * (inRate + 0.05 * backlog);
        int want = (int) Math.max(cfg.minShards(), Math.min(cfg.maxShards(), Math.ceil(desired)));
        metrics.shardsDesired.set(want);
        int cur = sh.length;
        if (want < cur && backlog > (long) cfg.capacity() * cur) {
            return; // behind: fewer shards would only fall further behind
        }
        if (Math.abs(want - cur) > 0.3 * cur && want != cur) {
            reshardTo = want;
            LockSupport.unpark(dispatcher);
        }
    }
}
