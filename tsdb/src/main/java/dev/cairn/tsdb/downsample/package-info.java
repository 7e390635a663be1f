/**
 * Downsampling as Thanos does it: raw blocks to 5-minute resolution and 5-minute blocks to 1-hour
 * resolution, each series' samples replaced per window by count, sum, min, max and a reset-free
 * counter, stored as Thanos's aggregate chunks ({@link dev.cairn.tsdb.downsample.AggrChunk}, encoding
 * 0xff) so that Thanos reads Cairn's downsampled blocks and the other way round.
 *
 * <p>{@link dev.cairn.tsdb.downsample.Downsampler} writes blocks, {@link
 * dev.cairn.tsdb.downsample.DownsamplePlanner} says which blocks are due, {@link
 * dev.cairn.tsdb.downsample.AggrRead} and {@link dev.cairn.tsdb.downsample.DownsampledIterators} are what
 * a query reads from them.
 */
package dev.cairn.tsdb.downsample;
