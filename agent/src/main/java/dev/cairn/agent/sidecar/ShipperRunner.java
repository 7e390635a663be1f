package dev.cairn.agent.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.agent.report.Metrics;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.ship.Shipper;
import dev.cairn.tsdb.ship.Upload;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Uploads the local Prometheus's finished blocks to a bucket, periodically, with {@link Shipper}: each
 * block once, meta.json last, with the Thanos section (the Prometheus's external labels, source
 * {@code sidecar}) so that compactors and store gateways group it as Thanos's would.
 *
 * <p>Refuses to start when Prometheus compacts locally ({@code --storage.tsdb.min-block-duration}
 * differs from {@code --storage.tsdb.max-block-duration}): compacted blocks would repeat data already
 * shipped, and skipping them (as the shipper does for level &gt; 1) would lose what they merged only
 * if a 2h block was deleted before its upload. Thanos's sidecar makes the same demand.
 *
 * <p>Uploads go to the given bucket: a real one ({@code sidecar.upload: bucket}) or the appliance
 * ({@link ApplianceBucket}, {@code sidecar.upload: appliance}), which holds the credentials instead of
 * every agent.
 *
 * <p>It remembers the newest block it shipped for the heartbeat and /metrics ({@link #render}).
 */
public final class ShipperRunner implements Closeable {
    private final Shipper shipper;
    private final ScheduledExecutorService timer;
    private final Path dataDir;
    private final LongAdder uploaded = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong lastSyncMs = new AtomicLong();
    private volatile Shipped last = new Shipped("", 0, 0);

    /** The newest block shipped by this process: ULID, when it was uploaded and the block's maxTime. */
    public record Shipped(String block, long uploadedMs, long blockMaxTimeMs) {
    }

    private ShipperRunner(Shipper shipper, ScheduledExecutorService timer, Path dataDir) {
        this.shipper = shipper;
        this.timer = timer;
        this.dataDir = dataDir;
    }

    /**
     * Checks the Prometheus's flags and external labels, then syncs every {@code interval} (the first
     * right away). A failed sync is reported on stderr and retried at the next tick.
     *
     * @param stateFile where the shipper records what it uploaded (the agent's data dir: the Prometheus
     *                  data dir may not be writable by the agent)
     */
    public static ShipperRunner start(PrometheusApi api, Path dataDir, Path stateFile, Bucket bucket,
                                      Duration interval) throws SidecarException, IOException, InterruptedException {
        Shipper shipper = create(api, dataDir, stateFile, bucket);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-shipper");
            t.setDaemon(true);
            return t;
        });
        ShipperRunner runner = new ShipperRunner(shipper, timer, dataDir);
        timer.scheduleWithFixedDelay(runner::syncLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return runner;
    }

    /** The checks of {@link #start} and the shipper, without the timer (tests, one-shot runs). */
    public static Shipper create(PrometheusApi api, Path dataDir, Path stateFile, Bucket bucket)
            throws SidecarException, IOException, InterruptedException {
        checkBlockDurations(api.base().toString(), api.flags());
        Map<String, String> external = Sidecar.requireExternalLabels(api);
        return new Shipper(dataDir, stateFile, bucket,
                new Shipper.Options(Upload.Options.of(external, ThanosMeta.SOURCE_SIDECAR), false));
    }

    /** Refuses local compaction: min and max block durations must be equal (both 2h is the usual setting). */
    static void checkBlockDurations(String where, Map<String, String> flags) throws SidecarException {
        String min = flags.get("storage.tsdb.min-block-duration");
        String max = flags.get("storage.tsdb.max-block-duration");
        if (min == null || max == null) {
            throw new SidecarException("the Prometheus at " + where + " does not list storage.tsdb.min-block-duration "
                    + "and storage.tsdb.max-block-duration in /api/v1/status/flags; the shipper needs a Prometheus "
                    + "server (not agent mode) with its own TSDB");
        }
        long minMs = PromDuration.parseMillis(min, "storage.tsdb.min-block-duration");
        long maxMs = PromDuration.parseMillis(max, "storage.tsdb.max-block-duration");
        if (minMs != maxMs) {
            throw new SidecarException("the Prometheus at " + where + " compacts blocks locally "
                    + "(storage.tsdb.min-block-duration=" + min + ", storage.tsdb.max-block-duration=" + max
                    + "), so shipped blocks would be rewritten and uploaded again. Start Prometheus with "
                    + "--storage.tsdb.min-block-duration=2h --storage.tsdb.max-block-duration=2h "
                    + "(equal values turn local compaction off), or disable the upload.");
        }
    }

    private void syncLogged() {
        try {
            Shipper.SyncResult r = shipper.sync();
            lastSyncMs.set(System.currentTimeMillis());
            if (!r.uploaded().isEmpty()) {
                System.out.println("cairn agent: shipped blocks " + r.uploaded());
                uploaded.add(r.uploaded().size());
                Ulid newest = r.uploaded().stream().max(Ulid::compareTo).orElseThrow();
                last = new Shipped(newest.toString(), System.currentTimeMillis(), maxTime(newest));
            }
            if (r.stateProblem() != null) {
                System.err.println("cairn agent: shipper state ignored: " + r.stateProblem());
            }
        } catch (IOException | RuntimeException e) {
            failures.increment();
            System.err.println("cairn agent: block upload failed, retrying at the next sync: " + e.getMessage());
        }
    }

    /** The block's maxTime from its meta.json, 0 when it cannot be read (deleted meanwhile). */
    private long maxTime(Ulid block) {
        try {
            return new ObjectMapper().readTree(dataDir.resolve(block.toString()).resolve("meta.json").toFile())
                    .path("maxTime").asLong(0);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The newest block shipped since start ("" and 0s before the first). */
    public Shipped lastShipped() {
        return last;
    }

    /**
     * The shipper's families in the Prometheus text format. Upload lag is how far the bucket is behind:
     * now minus the end of the newest shipped block; with 2h blocks it normally stays under about 3h.
     */
    public void render(StringBuilder sb) {
        Metrics.counter(sb, "cairn_shipper_uploaded_blocks_total", "Blocks uploaded by the shipper.", uploaded.sum());
        Metrics.counter(sb, "cairn_shipper_sync_failures_total", "Shipper syncs that failed (retried at the next).",
                failures.sum());
        Metrics.gauge(sb, "cairn_shipper_last_sync_success_timestamp_seconds",
                "When a shipper sync last completed, seconds since the epoch (0: never).", lastSyncMs.get() / 1000.0);
        Shipped s = last;
        Metrics.gauge(sb, "cairn_shipper_last_upload_timestamp_seconds",
                "When the shipper last uploaded a block, seconds since the epoch (0: none since start).",
                s.uploadedMs() / 1000.0);
        Metrics.gauge(sb, "cairn_shipper_upload_lag_seconds",
                "Now minus the maxTime of the newest block shipped since start (0: none yet).",
                s.blockMaxTimeMs() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - s.blockMaxTimeMs()) / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
