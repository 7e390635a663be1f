/**
 * Object storage: the {@link dev.cairn.tsdb.bucket.Bucket} seam (Thanos objstore-like, narrow) and its
 * implementations — {@link dev.cairn.tsdb.bucket.FilesystemBucket} (the embedded default),
 * {@link dev.cairn.tsdb.bucket.S3Bucket} (any S3-compatible store) — and the
 * {@link dev.cairn.tsdb.bucket.InstrumentedBucket} decorator. What lives in a bucket (blocks, marks)
 * is {@code dev.cairn.tsdb.ship}'s business.
 */
package dev.cairn.tsdb.bucket;
