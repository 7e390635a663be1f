package dev.cairn.tsdb.bucket;

import java.time.Instant;

/**
 * What a bucket knows about one object.
 *
 * @param size         bytes
 * @param lastModified when the object was last uploaded, at the store's resolution (S3: seconds)
 */
public record ObjectAttributes(long size, Instant lastModified) {
}
