/**
 * The store gateway: the blocks of the bucket (filesystem or S3) as one more endpoint of the query
 * layer, so that data the receiver shipped and dropped stays queryable (Thanos's store gateway).
 *
 * <p>{@link dev.cairn.appliance.store.BucketStore} syncs the block list from the bucket and opens a
 * {@link dev.cairn.appliance.store.BucketQuerier} per query; each block ({@code BucketBlock}) loads its
 * index header on first use and reads postings, series and chunks with coalesced ranged GETs
 * ({@code RangeFetcher}) through a byte-bounded cache ({@code ByteCache}). Downsampled blocks are
 * chosen by resolution ({@code ResolutionChoice}) and read with the aggregate the PromQL function
 * calls for. {@link dev.cairn.appliance.store.ExternalLabelsQuerier} gives the receiver's local data
 * the external labels its shipped blocks carry.
 */
package dev.cairn.appliance.store;
