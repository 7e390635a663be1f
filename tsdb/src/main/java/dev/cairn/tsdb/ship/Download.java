package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.DurableFiles;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosFile;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Copies a complete block from a bucket into a local directory (the store gateway's and compactor's
 * way in), the mirror of {@link Upload}.
 *
 * <p><b>Crash order.</b> Everything goes to {@code <parent>/<ULID>.tmp-download/} (not a ULID, so block
 * scanners skip it), each file fsynced, meta.json last; the directory is then renamed to
 * {@code <parent>/<ULID>} and {@code parent} fsynced. A crash leaves a tmp directory, never a block
 * that looks whole. Sizes are checked against meta.json's {@code thanos.files} when it lists them.
 */
public final class Download {
    public static final String TMP_SUFFIX = ".tmp-download";

    private Download() {
    }

    /**
     * Downloads block {@code id} into {@code parent/<ULID>}, which must not exist.
     *
     * @throws dev.cairn.tsdb.bucket.ObjectNotFoundException when the bucket has no meta.json for the block
     *                                                       (missing or partial)
     */
    public static BlockMeta download(Bucket bucket, Ulid id, Path parent) throws IOException {
        Path target = parent.resolve(id.toString());
        Path tmp = parent.resolve(id + TMP_SUFFIX);
        String what = "download block " + id + " from bucket " + bucket.name() + " to " + target;
        if (Files.exists(target)) {
            throw new IOException(what + ": the directory exists already");
        }
        byte[] metaBytes;
        try (InputStream in = bucket.get(BlockFiles.object(id, BlockFiles.META))) {
            metaBytes = in.readAllBytes();
        }
        BlockMeta meta;
        try {
            meta = MetaJson.parse(metaBytes, bucket.name() + "/" + id + "/" + BlockFiles.META);
        } catch (CorruptionException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
        try {
            DurableFiles.deleteRecursively(tmp);
            Files.createDirectories(tmp);
            String prefix = id + "/";
            List<String> names = bucket.list(id.toString(), true);
            for (String name : names) {
                String rel = name.substring(prefix.length());
                if (rel.equals(BlockFiles.META) || BlockFiles.MARKERS.contains(rel)) {
                    continue;
                }
                Path f = tmp.resolve(rel);
                Files.createDirectories(f.getParent());
                try (InputStream in = bucket.get(name)) {
                    Files.copy(in, f);
                }
                fsync(f);
                checkSize(meta, rel, f);
            }
            Path chunks = tmp.resolve(BlockFiles.CHUNKS_DIR);
            if (Files.isDirectory(chunks)) {
                DurableFiles.syncDir(chunks);
            }
            DurableFiles.writeSynced(tmp.resolve(BlockFiles.META), metaBytes);
            DurableFiles.syncDir(tmp);
            DurableFiles.renameDurably(tmp, target);
        } catch (IOException e) {
            try {
                DurableFiles.deleteRecursively(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException(what + ": " + e.getMessage(), e);
        }
        return meta;
    }

    private static void checkSize(BlockMeta meta, String rel, Path f) throws IOException {
        if (meta.thanos() == null) {
            return;
        }
        for (ThanosFile tf : meta.thanos().files()) {
            if (tf.relPath().equals(rel) && tf.sizeBytes() > 0 && tf.sizeBytes() != Files.size(f)) {
                throw new IOException(rel + " has " + Files.size(f) + " bytes, meta.json says " + tf.sizeBytes());
            }
        }
    }

    private static void fsync(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
