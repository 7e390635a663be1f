/**
 * Prometheus TSDB blocks on disk: one directory per block, named by its {@link dev.cairn.tsdb.block.Ulid},
 * holding {@code meta.json} ({@link dev.cairn.tsdb.block.MetaJson}), {@code index} (index package),
 * {@code chunks/000001...} (chunk package) and {@code tombstones} ({@link dev.cairn.tsdb.block.TombstonesFile}).
 *
 * <p>{@link dev.cairn.tsdb.block.BlockWriter} writes a block from label-sorted series, cutting chunks as
 * Prometheus's head does ({@link dev.cairn.tsdb.block.ChunkCutter}) so the bytes match promtool's backfill;
 * {@link dev.cairn.tsdb.block.Block} opens one and serves a {@link dev.cairn.tsdb.storage.Querier};
 * {@link dev.cairn.tsdb.block.BlockDir} opens all blocks of a data directory, reporting broken ones.
 * meta.json keeps Thanos's {@code thanos} section ({@link dev.cairn.tsdb.block.ThanosMeta}) so the same
 * directories are valid in a Thanos bucket.
 */
package dev.cairn.tsdb.block;
