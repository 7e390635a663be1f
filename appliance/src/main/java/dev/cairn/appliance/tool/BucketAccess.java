package dev.cairn.appliance.tool;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.bucket.S3Bucket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/** Opens the bucket an appliance configuration names, for the {@code cairn bucket} tools. */
public final class BucketAccess {
    private BucketAccess() {
    }

    /**
     * The configured bucket: S3, or the filesystem bucket ({@code bucket.filesystem.dir} or
     * {@code <data_dir>/bucket}), which must exist already: a tool that only reads must not create an empty
     * bucket where a typo pointed it.
     */
    public static Bucket open(ApplianceConfig c) throws IOException {
        if (c.bucket().isS3()) {
            return S3Bucket.open(c.bucket().s3());
        }
        if (!Files.isDirectory(c.bucketDir())) {
            throw new NoSuchFileException(c.bucketDir().toString(), null, "no filesystem bucket there; give the"
                    + " appliance's --config or --data-dir (the bucket is <data_dir>/bucket unless"
                    + " bucket.filesystem.dir says otherwise)");
        }
        return FilesystemBucket.open(c.bucketDir());
    }
}
