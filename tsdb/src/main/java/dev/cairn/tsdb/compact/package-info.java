/**
 * Compaction: several blocks into one ({@link dev.cairn.tsdb.compact.Compactor}), by copying the chunks of
 * adjacent blocks and merging the samples of overlapping ones, as Prometheus's LeveledCompactor and
 * Thanos's compactor do. Planning which blocks to compact (time ranges, groups) sits above this.
 */
package dev.cairn.tsdb.compact;
