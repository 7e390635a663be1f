package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Uploads each new block of a local directory (a Prometheus data directory, or receive's blocks) to a
 * bucket once, as Thanos's shipper. The caller runs {@link #sync()} periodically (the agent every
 * 30 s); one sync uploads every block not yet shipped.
 *
 * <p><b>Which blocks.</b> Directories named by a ULID with a readable meta.json ({@code .tmp}
 * directories of writes in progress are not ULIDs). Blocks without samples are skipped, and so are
 * compacted blocks (level &gt; 1) unless {@link Options#uploadCompacted()}: a Prometheus with local
 * compaction would otherwise ship its data twice. Blocks go up oldest first (by minTime).
 *
 * <p><b>Crash order.</b> The state file ({@code shipper.json}, see {@link ShipperState}) records a block
 * only after its upload completed, meta.json included, and is rewritten atomically after each block.
 * <ul>
 *   <li>Crash during an upload: the block is not recorded and has no meta.json in the bucket (see
 *       {@link Upload}), so the next sync uploads it again, overwriting the partial files.</li>
 *   <li>Crash after the upload, before the state write: the next sync finds {@code <ULID>/meta.json}
 *       in the bucket, records the block and does not upload it again.</li>
 *   <li>A lost or corrupt state file costs one bucket lookup per local block, nothing else.</li>
 * </ul>
 * On an upload failure the sync stops (later blocks wait, so the bucket receives blocks in time order),
 * saves what it shipped and throws; the next sync retries.
 *
 * <p>The state keeps only blocks still present locally, so it does not grow with retention. Not
 * thread-safe: one sync at a time per state file.
 *
 * <p>Files are read in place (Thanos hard-links them into an upload directory first). If Prometheus
 * deletes a block while it is being uploaded (retention, local compaction), the upload fails before
 * meta.json, the block stays partial in the bucket, and the next sync no longer sees it locally.
 */
public final class Shipper {
    private final Path blocksDir;
    private final Path stateFile;
    private final Bucket bucket;
    private final Options options;

    /**
     * @param upload          labels and source written into the uploaded meta.json
     * @param uploadCompacted ship blocks of compaction level &gt; 1 too (a Prometheus with local compaction off
     *                        never makes them; receive's and migrations' do)
     */
    public record Options(Upload.Options upload, boolean uploadCompacted) {
    }

    /** A local block the shipper could not read. */
    public record LocalFailure(Path dir, String reason) {
    }

    /**
     * What one sync did.
     *
     * @param uploaded        blocks uploaded now
     * @param alreadyInBucket blocks found complete in the bucket (an earlier run crashed before recording them)
     * @param skipped         empty or compacted blocks not shipped
     * @param unreadable      local block directories whose meta.json could not be read
     * @param stateProblem    why the state file was ignored, or null
     */
    public record SyncResult(List<Ulid> uploaded, List<Ulid> alreadyInBucket, List<Ulid> skipped,
                             List<LocalFailure> unreadable, String stateProblem) {
    }

    public Shipper(Path blocksDir, Path stateFile, Bucket bucket, Options options) {
        this.blocksDir = blocksDir;
        this.stateFile = stateFile;
        this.bucket = bucket;
        this.options = options;
    }

    /** The blocks recorded as shipped. */
    public SortedSet<Ulid> shipped() throws IOException {
        return ShipperState.read(stateFile);
    }

    public SyncResult sync() throws IOException {
        SortedSet<Ulid> recorded;
        String stateProblem = null;
        try {
            recorded = ShipperState.read(stateFile);
        } catch (CorruptionException e) {
            recorded = new TreeSet<>(); // safe: the bucket is asked before every upload
            stateProblem = e.getMessage();
        }
        List<LocalFailure> unreadable = new ArrayList<>();
        List<BlockMeta> metas = localBlocks(unreadable);

        SortedSet<Ulid> shipped = new TreeSet<>();
        List<Ulid> uploaded = new ArrayList<>();
        List<Ulid> found = new ArrayList<>();
        List<Ulid> skipped = new ArrayList<>();
        boolean dirty = stateProblem != null || !metasCover(metas, recorded);
        for (BlockMeta m : metas) {
            Ulid id = m.ulid();
            if (recorded.contains(id)) {
                shipped.add(id);
                continue;
            }
            if (m.stats().numSamples() == 0 || (m.compaction().level() > 1 && !options.uploadCompacted())) {
                skipped.add(id);
                continue;
            }
            try {
                if (bucket.exists(BlockFiles.object(id, BlockFiles.META))) {
                    shipped.add(id);
                    found.add(id);
                    dirty = true;
                    continue;
                }
                Upload.upload(bucket, blocksDir.resolve(id.toString()), options.upload());
            } catch (IOException e) {
                if (dirty) {
                    ShipperState.write(stateFile, shipped);
                }
                throw new IOException("ship block " + id + " from " + blocksDir + " to bucket " + bucket.name() + ": "
                        + e.getMessage() + " (the next sync retries it)", e);
            }
            shipped.add(id);
            uploaded.add(id);
            ShipperState.write(stateFile, shipped);
            dirty = false;
        }
        if (dirty || !Files.exists(stateFile)) {
            ShipperState.write(stateFile, shipped);
        }
        return new SyncResult(uploaded, found, skipped, unreadable, stateProblem);
    }

    /** True when every recorded block is still local (else the state shrinks and must be rewritten). */
    private static boolean metasCover(List<BlockMeta> metas, SortedSet<Ulid> recorded) {
        SortedSet<Ulid> local = new TreeSet<>();
        metas.forEach(m -> local.add(m.ulid()));
        return local.containsAll(recorded);
    }

    private List<BlockMeta> localBlocks(List<LocalFailure> unreadable) throws IOException {
        List<BlockMeta> metas = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(blocksDir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!Ulid.isValid(name) || !Files.isDirectory(p)) {
                    continue;
                }
                try {
                    BlockMeta m = MetaJson.read(p);
                    if (!m.ulid().toString().equals(name)) {
                        unreadable.add(new LocalFailure(p, "meta.json names block " + m.ulid()));
                        continue;
                    }
                    metas.add(m);
                } catch (CorruptionException | IOException e) {
                    unreadable.add(new LocalFailure(p, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new IOException("list blocks in " + blocksDir + " to ship: " + e.getMessage(), e);
        }
        metas.sort(Comparator.comparingLong(BlockMeta::minTime).thenComparing(BlockMeta::ulid));
        return metas;
    }
}
