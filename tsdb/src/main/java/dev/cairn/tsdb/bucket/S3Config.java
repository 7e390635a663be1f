package dev.cairn.tsdb.bucket;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, S3Proxy).
 *
 * @param bucket             the bucket name; it must exist
 * @param endpoint           the service URL, e.g. {@code https://minio.example:9000}; null for AWS's regional endpoint
 * @param region             the signing region; S3-compatible stores mostly accept {@code us-east-1}
 * @param pathStyle          {@code http://host/bucket/key} instead of {@code http://bucket.host/key}; on-premise
 *                           stores usually need it (no wildcard DNS)
 * @param credentials        where the keys come from
 * @param partSize           bytes per part of a multipart upload, at least 5 MiB (S3's minimum for all parts
 *                           but the last) and at most 1 GiB (one part is buffered in memory for streams)
 * @param multipartThreshold objects larger than this go up in parts; smaller ones in one PUT
 * @param maxAttempts        attempts per request under the SDK's standard retry strategy (exponential
 *                           back-off with jitter, retrying throttling, 5xx and I/O errors); 1 = no retry
 * @param connectTimeout     TCP connect timeout
 * @param socketTimeout      longest silence while reading a response
 * @param attemptTimeout     longest single attempt of a request (a part upload must fit in it)
 * @param callTimeout        longest request including all its retries
 */
public record S3Config(String bucket, URI endpoint, String region, boolean pathStyle, S3Credentials credentials,
                       long partSize, long multipartThreshold, int maxAttempts, Duration connectTimeout,
                       Duration socketTimeout, Duration attemptTimeout, Duration callTimeout) {
    public static final long MIN_PART_SIZE = 5L << 20;
    public static final long MAX_PART_SIZE = 1L << 30;
    public static final long DEFAULT_PART_SIZE = 16L << 20;

    public S3Config {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("s3.bucket is empty (expected the bucket's name)");
        }
        if (region == null || region.isEmpty()) {
            throw new IllegalArgumentException("s3.region is empty (expected e.g. us-east-1)");
        }
        if (credentials == null) {
            throw new IllegalArgumentException("s3 credentials missing (expected static keys, environment or default chain)");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("s3.part_size: " + partSize + " (expected " + MIN_PART_SIZE + ".."
                    + MAX_PART_SIZE + " bytes)");
        }
        if (multipartThreshold < partSize) {
            throw new IllegalArgumentException("s3.multipart_threshold: " + multipartThreshold
                    + " (expected >= s3.part_size " + partSize + ")");
        }
        if (multipartThreshold > MAX_PART_SIZE) {
            throw new IllegalArgumentException("s3.multipart_threshold: " + multipartThreshold
                    + " (expected <= " + MAX_PART_SIZE + ", a single PUT is buffered for streams)");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("s3.max_attempts: " + maxAttempts + " (expected >= 1)");
        }
        positive(connectTimeout, "s3.connect_timeout");
        positive(socketTimeout, "s3.socket_timeout");
        positive(attemptTimeout, "s3.attempt_timeout");
        positive(callTimeout, "s3.call_timeout");
    }

    /** Defaults for everything but where the bucket is and who we are. */
    public static S3Config defaults(String bucket, URI endpoint, S3Credentials credentials) {
        return new S3Config(bucket, endpoint, "us-east-1", endpoint != null, credentials, DEFAULT_PART_SIZE,
                DEFAULT_PART_SIZE, 5, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5),
                Duration.ofMinutes(15));
    }

    /** A new part size; the threshold is raised to it if it was lower. */
    public S3Config withPartSize(long size) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, size, Math.max(size, multipartThreshold),
                maxAttempts, connectTimeout, socketTimeout, attemptTimeout, callTimeout);
    }

    public S3Config withMultipartThreshold(long threshold) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, partSize, threshold, maxAttempts,
                connectTimeout, socketTimeout, attemptTimeout, callTimeout);
    }

    public S3Config withRetries(int attempts) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, partSize, multipartThreshold, attempts,
                connectTimeout, socketTimeout, attemptTimeout, callTimeout);
    }

    public S3Config withTimeouts(Duration connect, Duration socket, Duration attempt, Duration call) {
        return new S3Config(bucket, endpoint, region, pathStyle, credentials, partSize, multipartThreshold, maxAttempts,
                connect, socket, attempt, call);
    }

    public S3Config withCredentials(S3Credentials c) {
        return new S3Config(bucket, endpoint, region, pathStyle, c, partSize, multipartThreshold, maxAttempts,
                connectTimeout, socketTimeout, attemptTimeout, callTimeout);
    }

    public S3Config withPathStyle(boolean p) {
        return new S3Config(bucket, endpoint, region, p, credentials, partSize, multipartThreshold, maxAttempts,
                connectTimeout, socketTimeout, attemptTimeout, callTimeout);
    }

    private static void positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": " + d + " (expected > 0)");
        }
    }
}
