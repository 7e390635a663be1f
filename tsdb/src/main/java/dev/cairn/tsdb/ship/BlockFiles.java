package dev.cairn.tsdb.ship;

import dev.cairn.tsdb.block.MetaJson;

/** Names of a block's files in a bucket, in the Thanos layout: {@code <ULID>/chunks/000001}, {@code <ULID>/index}... */
final class BlockFiles {
    static final String CHUNKS_DIR = "chunks";
    static final String INDEX = "index";
    static final String TOMBSTONES = "tombstones";
    static final String META = MetaJson.FILENAME;
    static final String DELETION_MARK = DeletionMark.FILENAME;
    /** Markers Thanos keeps beside a block in the bucket; not part of the block itself. */
    static final java.util.Set<String> MARKERS = java.util.Set.of(DeletionMark.FILENAME, "no-compact-mark.json",
            "no-downsample-mark.json");

    private BlockFiles() {
    }

    static String object(Object ulid, String relPath) {
        return ulid + "/" + relPath;
    }
}
