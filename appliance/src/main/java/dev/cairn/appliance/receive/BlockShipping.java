package dev.cairn.appliance.receive;

import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.ship.Shipper;
import dev.cairn.tsdb.ship.Upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Ships the blocks the receiver's head cuts to the bucket, with the appliance's external labels
 * (e.g. {@code cluster}) plus {@code receive_replica} when set and source {@code receive}, through the tsdb
 * {@link Shipper} (meta.json last; {@code shipper.json} in the receive directory records what went up).
 *
 * <p>Local retention: a block is deleted from local disk once it is recorded as shipped and ends more
 * than the retention before the newest local block's end. The open Db keeps its blocks mapped, so this
 * runs before the Db opens (at start); a running appliance keeps its shipped blocks until its next start.
 *
 * <p>Not thread-safe: {@link #sync()} runs from one thread (ApplianceMain's shipping loop).
 */
public final class BlockShipping implements MetricsSource {
    private static final System.Logger LOG = System.getLogger(BlockShipping.class.getName());
    public static final String STATE_FILE = "shipper.json";

    private final Shipper shipper;
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastSuccessMs = new AtomicLong();

    public BlockShipping(Path receiveDir, Bucket bucket, Map<String, String> externalLabels) {
        this.shipper = new Shipper(receiveDir, receiveDir.resolve(STATE_FILE), bucket,
                new Shipper.Options(
                // without external labels the block still goes up, as Thanos's UploadPromBlock does
                new Upload.Options(externalLabels, ThanosMeta.SOURCE_RECEIVE, externalLabels.isEmpty()), true));
    }

    /** Uploads every cut block not shipped yet; a failure is counted and logged, and the next call retries. */
    public void sync() {
        try {
            Shipper.SyncResult r = shipper.sync();
            uploaded.addAndGet(r.uploaded().size());
            lastSuccessMs.set(System.currentTimeMillis());
            for (Ulid id : r.uploaded()) {
                LOG.log(System.Logger.Level.INFO, "Shipped block {0} to the bucket", id);
            }
            for (Shipper.LocalFailure f : r.unreadable()) {
                LOG.log(System.Logger.Level.WARNING, "Cannot ship local block {0}: {1}", f.dir(), f.reason());
            }
        } catch (IOException | RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "Shipping blocks to the bucket failed; retrying at the next sync: {0}",
                    e.getMessage());
        }
    }

    /**
     * Deletes local blocks of {@code receiveDir} that {@code shipper.json} records as shipped and that
     * end more than {@code retentionMs} before the newest local block ends. Call before opening the Db.
     *
     * @return the blocks deleted
     */
    public static List<Ulid> applyLocalRetention(Path receiveDir, long retentionMs) throws IOException {
        Path state = receiveDir.resolve(STATE_FILE);
        if (!Files.exists(state)) {
            return List.of();
        }
        SortedSet<Ulid> shipped = new Shipper(receiveDir, state, null, null).shipped();
        List<BlockMeta> metas = new ArrayList<>();
        try (Stream<Path> s = Files.list(receiveDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p.resolve(MetaJson.FILENAME))) {
                    try {
                        metas.add(MetaJson.read(p));
                    } catch (IOException | RuntimeException e) {
                        // not ours to judge here: the Db reports unreadable blocks when it opens
                    }
                }
            }
        }
        long newest = metas.stream().mapToLong(BlockMeta::maxTime).max().orElse(Long.MIN_VALUE);
        List<Ulid> deleted = new ArrayList<>();
        for (BlockMeta m : metas) {
            if (shipped.contains(m.ulid()) && m.maxTime() < newest - retentionMs) {
                // rename first: a crash mid-delete leaves a *.tmp-for-creation directory, which Db.open
                // removes, instead of a half-deleted block that would stop it from opening
                Path gone = receiveDir.resolve(m.ulid() + BlockWriter.TMP_SUFFIX);
                Files.move(receiveDir.resolve(m.ulid().toString()), gone, StandardCopyOption.ATOMIC_MOVE);
                DurableFiles.deleteRecursively(gone);
                deleted.add(m.ulid());
                LOG.log(System.Logger.Level.INFO, "Deleted local block {0}: shipped and past the local retention",
                        m.ulid());
            }
        }
        return deleted;
    }

    @Override
    public void writeMetrics(MetricsText out) {
        writeMetrics(out, Map.of("", this), null);
    }

    /** The shipping metrics of several shippers; with {@code label} set, each one's samples carry label=key. */
    static void writeMetrics(MetricsText out, Map<String, BlockShipping> shippers, String label) {
        family(out, shippers, label, "cairn_receive_shipper_uploads_total", "counter", "Blocks uploaded to the bucket.",
                s -> s.uploaded.get());
        family(out, shippers, label, "cairn_receive_shipper_sync_failures_total", "counter",
                "Shipping runs that failed (retried at the next run).", s -> s.failures.get());
        family(out, shippers, label, "cairn_receive_shipper_last_success_timestamp_seconds", "gauge",
                "When a shipping run last completed, seconds since the epoch (0: never).",
                s -> s.lastSuccessMs.get() / 1000.0);
    }

    private static void family(MetricsText out, Map<String, BlockShipping> shippers, String label, String name,
                               String type, String help, java.util.function.ToDoubleFunction<BlockShipping> value) {
        out.family(name, type, help);
        for (Map.Entry<String, BlockShipping> e : shippers.entrySet()) {
            if (label == null) {
                out.sample(name, value.applyAsDouble(e.getValue()));
            } else {
                out.sample(name, value.applyAsDouble(e.getValue()), label, e.getKey());
            }
        }
    }
}
