/**
 * Blocks and buckets: {@link dev.cairn.tsdb.ship.Upload} (meta.json last) and
 * {@link dev.cairn.tsdb.ship.Download}, {@link dev.cairn.tsdb.ship.DeletionMark} and
 * {@link dev.cairn.tsdb.ship.BlockDeletion} (meta.json first, the mark last),
 * {@link dev.cairn.tsdb.ship.MetaFetcher} (which blocks a bucket holds) and
 * {@link dev.cairn.tsdb.ship.Shipper} (each new local block uploaded once). The layout is Thanos's, so a
 * bucket written by Cairn is a Thanos bucket and the other way round.
 */
package dev.cairn.tsdb.ship;
