package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.Disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints as Prometheus makes them: {@code checkpoint.NNNNNNNN} is a directory of segments
 * holding what a {@link CheckpointFilter} kept of the previous checkpoint and of WAL segments up to
 * and including NNNNNNNN, so those segments can be deleted.
 *
 * <p>Crash order: the new checkpoint is written into {@code checkpoint.NNNNNNNN.tmp}, fsynced, its
 * directory fsynced, renamed to its final name and the WAL directory fsynced; only then may the
 * caller delete the segments it covers ({@link Wal#truncate}) and older checkpoints
 * ({@link #deleteBefore}). A crash at any point leaves either the old state or the new one readable
 * by {@link SegmentReader#openForReplay}; a stale {@code .tmp} is removed by the next checkpoint.
 */
public final class Checkpoint {
    static final String PREFIX = "checkpoint.";
    static final String TMP_SUFFIX = ".tmp";

    private Checkpoint() {
    }

    /** A checkpoint directory and the index of the last segment it covers. */
    public record Ref(Path dir, int index) {
    }

    /** What {@link #create} read and kept. */
    public record Stats(Ref checkpoint, long recordsRead, long recordsKept) {
    }

    public static Path dir(Path walDir, int index) {
        return walDir.resolve(PREFIX + Segments.name(index));
    }

    /** The newest checkpoint in {@code walDir}, or null. */
    public static Ref last(Disk disk, Path walDir) throws IOException {
        List<Ref> all = list(disk, walDir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The checkpoints in {@code walDir}, oldest first; temporary ones are not listed. */
    public static List<Ref> list(Disk disk, Path walDir) throws IOException {
        List<Ref> refs = new ArrayList<>();
        for (String name : disk.list(walDir)) {
            if (!name.startsWith(PREFIX) || name.endsWith(TMP_SUFFIX)) {
                continue;
            }
            int idx = Segments.parse(name.substring(PREFIX.length()));
            if (idx >= 0) {
                refs.add(new Ref(walDir.resolve(name), idx));
            }
        }
        refs.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return refs;
    }

    /**
     * Writes {@code checkpoint.<last>} from the previous checkpoint and segments {@code first..last},
     * keeping what {@code filter} keeps. With a previous checkpoint {@code checkpoint.P}, reading
     * starts at segment P+1 and {@code first} must not be beyond it (that would skip segments).
     *
     * @param options segment size and disk for the checkpoint's own segments (its sync policy is ignored:
     *                the checkpoint is fsynced once, at the end)
     */
    public static Stats create(Path walDir, int first, int last, CheckpointFilter filter, WalOptions options)
            throws IOException {
        Disk disk = options.disk();
        List<SegmentRange> ranges = new ArrayList<>();
        Ref prev = last(disk, walDir);
        int from = first;
        if (prev != null) {
            if (prev.index() >= last) {
                throw new IllegalArgumentException("WAL " + walDir + " already has checkpoint " + prev.dir().getFileName()
                        + " covering segment " + last);
            }
            if (from > prev.index() + 1) {
                throw new IllegalArgumentException("checkpoint from segment " + from + " would skip segments after "
                        + prev.dir().getFileName());
            }
            from = prev.index() + 1;
            ranges.add(SegmentRange.all(prev.dir()));
        }
        ranges.add(new SegmentRange(walDir, from, last));

        for (String name : disk.list(walDir)) {
            if (name.startsWith(PREFIX) && name.endsWith(TMP_SUFFIX)) {
                disk.delete(walDir.resolve(name)); // left by a crash during an earlier checkpoint
            }
        }
        Path target = dir(walDir, last);
        Path tmp = walDir.resolve(target.getFileName() + TMP_SUFFIX);
        long read = 0;
        long kept = 0;
        boolean done = false;
        try {
            WalOptions cpOptions = options.withSyncPolicy(SyncPolicy.NONE);
            try (Wal cp = Wal.open(tmp, cpOptions); SegmentReader r = SegmentReader.open(ranges)) {
                while (r.next()) {
                    read++;
                    ByteBuffer out = filter.filter(r.record());
                    if (out == null) {
                        continue;
                    }
                    byte[] b = new byte[out.remaining()];
                    out.get(out.position(), b);
                    cp.log(b);
                    kept++;
                }
                if (r.tornTail() != null) {
                    throw new IOException("cannot checkpoint WAL " + walDir + " up to segment " + last + ": segment "
                            + r.tornTail().file() + " is torn (" + r.tornTail().what() + "); open the WAL first to repair it");
                }
            } // close() pads and fsyncs the checkpoint's segment
            disk.syncDir(tmp);
            disk.rename(tmp, target);
            disk.syncDir(walDir);
            done = true;
        } finally {
            if (!done) {
                try {
                    disk.delete(tmp);
                } catch (IOException suppressed) {
                    // The next checkpoint removes it; the original failure is what matters.
                }
            }
        }
        return new Stats(new Ref(target, last), read, kept);
    }

    /** Deletes checkpoints older than {@code index}; call after the one at {@code index} is durable. */
    public static void deleteBefore(Disk disk, Path walDir, int index) throws IOException {
        boolean deleted = false;
        for (Ref r : list(disk, walDir)) {
            if (r.index() < index) {
                disk.delete(r.dir());
                deleted = true;
            }
        }
        if (deleted) {
            disk.syncDir(walDir);
        }
    }
}
