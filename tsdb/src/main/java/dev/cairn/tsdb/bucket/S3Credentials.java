package dev.cairn.tsdb.bucket;

/**
 * Where an {@link S3Bucket} gets its credentials from.
 *
 * <ul>
 *   <li>{@link Static}: keys written in Cairn's config;</li>
 *   <li>{@link Environment}: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} (and
 *       {@code AWS_SESSION_TOKEN}) of the process, nothing else;</li>
 *   <li>{@link DefaultChain}: the AWS SDK's default chain (system properties, environment, web identity,
 *       {@code ~/.aws} profiles, container and EC2 instance roles), for machines that have a role.</li>
 * </ul>
 */
public sealed interface S3Credentials {

    static S3Credentials of(String accessKey, String secretKey) {
        return new Static(accessKey, secretKey, null);
    }

    /** Keys from the configuration; {@code sessionToken} may be null. */
    record Static(String accessKey, String secretKey, String sessionToken) implements S3Credentials {
        public Static {
            if (accessKey == null || accessKey.isEmpty()) {
                throw new IllegalArgumentException("s3.access_key is empty (expected a key, or use the environment/default chain)");
            }
            if (secretKey == null || secretKey.isEmpty()) {
                throw new IllegalArgumentException("s3.secret_key is empty for access key " + accessKey);
            }
        }

        /** Never prints the secret. */
        @Override
        public String toString() {
            return "Static[accessKey=" + accessKey + ", secretKey=***" + (sessionToken == null ? "" : ", sessionToken=***") + "]";
        }
    }

    /** The process environment only. */
    record Environment() implements S3Credentials {
    }

    /** The AWS SDK's default provider chain. */
    record DefaultChain() implements S3Credentials {
    }
}
