package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Removing blocks from a bucket in two phases, as Thanos does: first a {@link DeletionMark} (readers
 * stop using the block after a delay), later the deletion itself.
 */
public final class BlockDeletion {
    private BlockDeletion() {
    }

    /**
     * Uploads {@code <ULID>/deletion-mark.json} unless one exists (the first mark's time counts).
     *
     * @return true when this call placed the mark
     */
    public static boolean mark(Bucket bucket, Ulid id, String details, Instant now) throws IOException {
        String name = BlockFiles.object(id, DeletionMark.FILENAME);
        try {
            if (bucket.exists(name)) {
                return false;
            }
            byte[] json = new DeletionMark(id, now.getEpochSecond(), details).toJson();
            bucket.upload(name, new ByteArrayInputStream(json), json.length);
            return true;
        } catch (IOException e) {
            throw new IOException("mark block " + id + " for deletion in bucket " + bucket.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes every object of block {@code id}.
     *
     * <p><b>Crash order</b> (Thanos {@code block.Delete}): {@code meta.json} first, so that from the first
     * step on readers see a partial block and ignore it, never a block with files missing; then the other
     * files; {@code deletion-mark.json} last, so that a crash midway leaves a block that is still marked
     * and whose deletion the next run finishes (a partial block without a mark could look like an upload
     * in progress). Safe to repeat.
     */
    public static void delete(Bucket bucket, Ulid id) throws IOException {
        String meta = BlockFiles.object(id, BlockFiles.META);
        String mark = BlockFiles.object(id, DeletionMark.FILENAME);
        try {
            bucket.delete(meta);
            List<String> names = bucket.list(id.toString(), true);
            for (String n : names) {
                if (!n.equals(meta) && !n.equals(mark)) {
                    bucket.delete(n);
                }
            }
            bucket.delete(mark);
        } catch (IOException e) {
            throw new IOException("delete block " + id + " from bucket " + bucket.name() + ": " + e.getMessage()
                    + " (run the deletion again to finish it)", e);
        }
    }
}
