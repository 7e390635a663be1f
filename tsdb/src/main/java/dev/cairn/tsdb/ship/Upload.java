package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosFile;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.encoding.CorruptionException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Uploads a local block directory to a bucket in the Thanos layout, as Thanos's {@code block.Upload}.
 *
 * <p><b>Crash order.</b> A block in a bucket is complete exactly when it has {@code <ULID>/meta.json};
 * readers ({@link MetaFetcher}, Thanos's store and compactor) treat a directory without it as a
 * partial upload and ignore it. So:
 * <ol>
 *   <li>{@code chunks/000001...} in name order,</li>
 *   <li>{@code index},</li>
 *   <li>{@code tombstones}, if the block has one (Prometheus's deletions; Thanos itself does not upload
 *       it and its readers ignore it),</li>
 *   <li>{@code meta.json}, <b>last</b>, only after every upload above succeeded.</li>
 * </ol>
 * Each upload is atomic ({@link Bucket#upload}), so a failure or crash at any step leaves either no
 * meta.json (a partial block, which a retry overwrites file by file) or the whole block. A failed upload
 * does not clean up: a partial block is harmless, and a cleanup could itself fail; Thanos's compactor
 * removes old partial blocks.
 *
 * <p>The uploaded meta.json is the local one with its {@code thanos} section set: the external labels
 * (added to those the block has), the source, {@code segment_files}, {@code files} (every uploaded
 * file with its size; meta.json without one, as Thanos writes it) and {@code upload_time}. The local
 * meta.json is not changed.
 */
public final class Upload {

    /**
     * @param externalLabels   labels identifying the producer (Thanos: {@code external_labels}); added
     *                         to the block's own thanos labels, winning on a clash
     * @param source           who ships: {@link ThanosMeta#SOURCE_SIDECAR}, {@link ThanosMeta#SOURCE_RECEIVE}...
     * @param allowEmptyLabels Thanos's {@code Upload} refuses a block without external labels (its
     *                         compactor could not group it); true uploads it anyway, as {@code UploadPromBlock}
     */
    public record Options(Map<String, String> externalLabels, String source, boolean allowEmptyLabels) {
        public Options {
            externalLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(externalLabels));
            if (source == null || source.isEmpty()) {
                throw new IllegalArgumentException("upload source is empty (expected e.g. \"sidecar\")");
            }
        }

        public static Options of(Map<String, String> externalLabels, String source) {
            return new Options(externalLabels, source, false);
        }
    }

    private Upload() {
    }

    /**
     * Uploads {@code blockDir} (named by its ULID) to {@code bucket}.
     *
     * @return the meta.json as uploaded
     * @throws IOException naming the block, the step and the bucket; the bucket then holds no meta.json
     *                     for the block unless one was there before
     */
    public static BlockMeta upload(Bucket bucket, Path blockDir, Options options) throws IOException {
        String dirName = blockDir.getFileName().toString();
        if (!Ulid.isValid(dirName)) {
            throw new IOException("upload block " + blockDir + " to bucket " + bucket.name()
                    + ": the directory name is not a ULID, so it is not a block");
        }
        Ulid id = Ulid.parse(dirName);
        BlockMeta meta;
        try {
            meta = MetaJson.read(blockDir);
        } catch (CorruptionException e) {
            throw new IOException("upload block " + blockDir + " to bucket " + bucket.name() + ": " + e.getMessage(), e);
        }
        if (!meta.ulid().equals(id)) {
            throw new IOException("upload block " + blockDir + " to bucket " + bucket.name() + ": its meta.json names block "
                    + meta.ulid() + ", not " + id);
        }
        Map<String, String> labels = new TreeMap<>(meta.thanos() == null ? Map.of() : meta.thanos().labels());
        labels.putAll(options.externalLabels());
        if (labels.isEmpty() && !options.allowEmptyLabels()) {
            throw new IOException("upload block " + blockDir + " to bucket " + bucket.name()
                    + ": the block has no external labels; set them (they identify the producer in the bucket)");
        }

        List<String> files = new ArrayList<>(); // relative paths in upload order, meta.json excluded
        List<String> segments = new ArrayList<>();
        Path chunks = blockDir.resolve(BlockFiles.CHUNKS_DIR);
        try (Stream<Path> s = Files.list(chunks)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().forEach(n -> {
                segments.add(n);
                files.add(BlockFiles.CHUNKS_DIR + "/" + n);
            });
        } catch (IOException e) {
            throw new IOException("upload block " + blockDir + " to bucket " + bucket.name() + ": list " + chunks + ": "
                    + e.getMessage(), e);
        }
        files.add(BlockFiles.INDEX);
        if (Files.isRegularFile(blockDir.resolve(BlockFiles.TOMBSTONES))) {
            files.add(BlockFiles.TOMBSTONES);
        }

        List<ThanosFile> stats = new ArrayList<>();
        for (String rel : files) {
            Path f = blockDir.resolve(rel);
            try {
                stats.add(new ThanosFile(rel, Files.size(f)));
            } catch (IOException e) {
                throw new IOException("upload block " + blockDir + " to bucket " + bucket.name() + ": stat " + f + ": "
                        + e.getMessage(), e);
            }
        }
        stats.add(new ThanosFile(BlockFiles.META, 0));
        stats.sort(java.util.Comparator.comparing(ThanosFile::relPath));

        ThanosMeta old = meta.thanos();
        Map<String, JsonNode> extra = new LinkedHashMap<>(old == null ? Map.of() : old.extra());
        extra.put("upload_time", TextNode.valueOf(Instant.now().toString()));
        ThanosMeta thanos = new ThanosMeta(1, labels, old == null ? 0 : old.downsampleResolution(), options.source(),
                segments, stats, extra);
        BlockMeta uploaded = meta.withThanos(thanos);
        byte[] metaBytes = MetaJson.format(uploaded);

        for (String rel : files) {
            try {
                bucket.upload(BlockFiles.object(id, rel), blockDir.resolve(rel));
            } catch (IOException e) {
                throw new IOException("upload block " + id + " from " + blockDir + ": " + e.getMessage()
                        + " (the block stays partial in the bucket, without meta.json, until a retry)", e);
            }
        }
        // Last: from here on, readers see the block.
        try {
            bucket.upload(BlockFiles.object(id, BlockFiles.META), new ByteArrayInputStream(metaBytes), metaBytes.length);
        } catch (IOException e) {
            throw new IOException("upload block " + id + " from " + blockDir + ": " + e.getMessage(), e);
        }
        return uploaded;
    }
}
