package dev.cairn.tsdb.block;

/** A short description of a block: a {@code compaction.parents} entry of meta.json. */
public record BlockDesc(Ulid ulid, long minTime, long maxTime) {
}
