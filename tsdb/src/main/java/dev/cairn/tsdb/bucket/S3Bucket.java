package dev.cairn.tsdb.bucket;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket of an S3-compatible object store through the AWS SDK v2 (synchronous client over the JDK's
 * HTTP client). See {@link S3Config} for the knobs.
 *
 * <p><b>Retries.</b> Every request goes through the SDK's standard retry strategy with
 * {@link S3Config#maxAttempts()}. Request bodies are always re-readable (a file range reopened, or a
 * buffer), so a retried PUT or part sends the same bytes again rather than failing.
 *
 * <p><b>Uploads.</b> Up to {@link S3Config#multipartThreshold()} bytes: one PUT. Larger: a multipart
 * upload in parts of {@link S3Config#partSize()} (raised so that no object needs more than S3's 10,000
 * parts); the object appears only at CompleteMultipartUpload, so readers never see part of it. A failed
 * multipart upload is aborted (best effort: a store keeps unfinished parts until its lifecycle rule
 * removes them). A stream upload holds one part (or the whole small object) in memory; a file upload
 * holds none.
 *
 * <p><b>Checksums.</b> Only where S3 requires them ({@code WHEN_REQUIRED}): the SDK's default trailing
 * CRC in aws-chunked bodies is not understood by every S3-compatible store (older Ceph RGW and MinIO).
 */
public final class S3Bucket implements Bucket {
    private static final int MAX_PARTS = 10_000;
    private static final String OCTET_STREAM = "application/octet-stream";

    private final S3Client client;
    private final S3Config config;
    private final String bucket;

    private S3Bucket(S3Client client, S3Config config) {
        this.client = client;
        this.config = config;
        this.bucket = config.bucket();
    }

    /** A client for {@code config}; contacts the store only on the first operation. */
    public static S3Bucket open(S3Config config) {
        return open(config, List.of());
    }

    /** With SDK interceptors that see every request (tests count multipart parts with one). */
    static S3Bucket open(S3Config config, List<ExecutionInterceptor> interceptors) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials(config.credentials()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(config.connectTimeout())
                        .socketTimeout(config.socketTimeout()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxAttempts()).build())
                        .apiCallAttemptTimeout(config.attemptTimeout())
                        .apiCallTimeout(config.callTimeout())
                        .executionInterceptors(interceptors));
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        return new S3Bucket(b.build(), config);
    }

    static AwsCredentialsProvider credentials(S3Credentials c) {
        if (c instanceof S3Credentials.Static s) {
            return StaticCredentialsProvider.create(s.sessionToken() == null
                    ? AwsBasicCredentials.create(s.accessKey(), s.secretKey())
                    : AwsSessionCredentials.create(s.accessKey(), s.secretKey(), s.sessionToken()));
        }
        if (c instanceof S3Credentials.Environment) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    public S3Config config() {
        return config;
    }

    @Override
    public String name() {
        return bucket;
    }

    @Override
    public void iter(String dir, boolean recursive, NameVisitor visitor) throws IOException {
        String prefix = ObjectNames.dirPrefix(dir);
        ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
        if (!recursive) {
            req.delimiter(ObjectNames.DELIM);
        }
        List<String> names = new ArrayList<>();
        try {
            for (ListObjectsV2Response page : client.listObjectsV2Paginator(req.build())) {
                for (S3Object o : page.contents()) {
                    // Skip "directory marker" objects some tools create (keys ending in '/'): not objects for us.
                    if (!o.key().endsWith(ObjectNames.DELIM)) {
                        names.add(o.key());
                    }
                }
                for (CommonPrefix p : page.commonPrefixes()) {
                    names.add(p.prefix());
                }
            }
        } catch (SdkException e) {
            throw failure("iter", prefix, e);
        }
        // Each page lists objects and prefixes apart; one order for both, as the filesystem bucket gives.
        names.sort(ObjectNames.ORDER);
        for (String n : names) {
            visitor.accept(n);
        }
    }

    @Override
    public InputStream get(String name) throws IOException {
        ObjectNames.checkObject(name);
        try {
            return client.getObject(r -> r.bucket(bucket).key(name));
        } catch (SdkException e) {
            if (isNotFound(e)) {
                throw new ObjectNotFoundException("get", bucket, name);
            }
            throw failure("get", name, e);
        }
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
        ObjectNames.checkObject(name);
        ObjectNames.checkRange(offset, length);
        if (length == 0) {
            attributes(name); // still report a missing object
            return InputStream.nullInputStream();
        }
        long last = offset + length - 1;
        String range = "bytes=" + offset + "-" + (length == -1 || last < offset ? "" : Long.toString(last));
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(r -> r.bucket(bucket).key(name).range(range));
            return in;
        } catch (SdkException e) {
            if (isNotFound(e)) {
                throw new ObjectNotFoundException("get range of", bucket, name);
            }
            if (e instanceof S3Exception s && s.statusCode() == 416) {
                return InputStream.nullInputStream(); // offset at or past the end: nothing there
            }
            throw failure("get range " + range + " of", name, e);
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        ObjectNames.checkObject(name);
        try {
            client.headObject(r -> r.bucket(bucket).key(name));
            return true;
        } catch (SdkException e) {
            if (isNotFound(e)) {
                return false;
            }
            throw failure("check existence of", name, e);
        }
    }

    @Override
    public ObjectAttributes attributes(String name) throws IOException {
        ObjectNames.checkObject(name);
        try {
            HeadObjectResponse h = client.headObject(r -> r.bucket(bucket).key(name));
            return new ObjectAttributes(h.contentLength(), h.lastModified());
        } catch (SdkException e) {
            if (isNotFound(e)) {
                throw new ObjectNotFoundException("attributes of", bucket, name);
            }
            throw failure("attributes of", name, e);
        }
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
        ObjectNames.checkObject(name);
        ObjectNames.checkLength(length);
        try {
            if (length <= config.multipartThreshold()) {
                byte[] buf = readFully(in, (int) length, 0, length);
                put(name, () -> new ByteArrayInputStream(buf), length);
            } else {
                long partSize = partSize(length);
                byte[] buf = new byte[(int) partSize];
                multipart(name, length, partSize, (off, n) -> {
                    readFully(in, (int) n, off, length, buf);
                    return () -> new ByteArrayInputStream(buf, 0, (int) n);
                });
            }
        } catch (IOException e) {
            throw new IOException("upload " + name + " to bucket " + bucket + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failure("upload", name, e);
        }
    }

    @Override
    public void upload(String name, Path file) throws IOException {
        ObjectNames.checkObject(name);
        try {
            long length = Files.size(file);
            if (length <= config.multipartThreshold()) {
                put(name, fileRange(file, 0, length), length);
            } else {
                multipart(name, length, partSize(length), (off, n) -> fileRange(file, off, n));
            }
        } catch (IOException e) {
            throw new IOException("upload " + file + " to bucket " + bucket + " as " + name + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw failure("upload " + file + " as", name, e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        ObjectNames.checkObject(name);
        try {
            client.deleteObject(r -> r.bucket(bucket).key(name));
        } catch (SdkException e) {
            if (isNotFound(e)) {
                return; // some stores answer 404 where S3 answers 204; deleting nothing is success
            }
            throw failure("delete", name, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private void put(String name, ContentStreamProvider body, long length) {
        client.putObject(r -> r.bucket(bucket).key(name).contentLength(length),
                RequestBody.fromContentProvider(body, length, OCTET_STREAM));
    }

    /** Supplies the bytes of one part; the part before has been uploaded when it is called. */
    private interface PartSource {
        ContentStreamProvider part(long offset, long length) throws IOException;
    }

    private void multipart(String name, long length, long partSize, PartSource source) throws IOException {
        String uploadId = client.createMultipartUpload(r -> r.bucket(bucket).key(name)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long off = 0;
            for (int partNo = 1; off < length; partNo++) {
                long n = Math.min(partSize, length - off);
                ContentStreamProvider body = source.part(off, n);
                int pn = partNo;
                UploadPartResponse r = client.uploadPart(p -> p.bucket(bucket).key(name).uploadId(uploadId)
                        .partNumber(pn).contentLength(n), RequestBody.fromContentProvider(body, n, OCTET_STREAM));
                parts.add(CompletedPart.builder().partNumber(partNo).eTag(r.eTag()).build());
                off += n;
            }
            client.completeMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (IOException | SdkException | UncheckedIOException e) {
            try {
                client.abortMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private long partSize(long length) {
        long min = (length + MAX_PARTS - 1) / MAX_PARTS;
        return Math.max(config.partSize(), min);
    }

    private static ContentStreamProvider fileRange(Path file, long offset, long length) {
        return () -> {
            try {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ch.position(offset);
                return new LimitedInputStream(Channels.newInputStream(ch), length);
            } catch (IOException e) {
                throw new UncheckedIOException("read " + file + " at " + offset, e);
            }
        };
    }

    private static byte[] readFully(InputStream in, int n, long doneBefore, long total) throws IOException {
        byte[] buf = new byte[n];
        readFully(in, n, doneBefore, total, buf);
        return buf;
    }

    private static void readFully(InputStream in, int n, long doneBefore, long total, byte[] buf) throws IOException {
        int got = 0;
        while (got < n) {
            int r = in.read(buf, got, n - got);
            if (r < 0) {
                throw new IOException("the input ended after " + (doneBefore + got) + " of " + total + " bytes");
            }
            got += r;
        }
    }

    private static boolean isNotFound(SdkException e) {
        if (e instanceof NoSuchKeyException) {
            return true;
        }
        if (e instanceof S3Exception s && s.statusCode() == 404) {
            // HEAD answers carry no error code; a GET's NoSuchBucket must not pass for a missing object.
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            return code == null || !code.equals("NoSuchBucket");
        }
        return false;
    }

    private IOException failure(String what, String object, SdkException e) {
        StringBuilder sb = new StringBuilder();
        sb.append(what).append(' ').append(object.isEmpty() ? "\"\"" : object).append(" in bucket ").append(bucket);
        if (config.endpoint() != null) {
            sb.append(" at ").append(config.endpoint());
        }
        sb.append(": ");
        if (e instanceof S3Exception s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            sb.append("HTTP ").append(s.statusCode());
            if (code != null) {
                sb.append(' ').append(code);
            }
            if (s.statusCode() == 403) {
                sb.append(" (check the credentials and the bucket policy)");
            } else if ("NoSuchBucket".equals(code)) {
                sb.append(" (create the bucket, or fix s3.bucket)");
            }
            sb.append(": ").append(s.awsErrorDetails() == null ? s.getMessage() : s.awsErrorDetails().errorMessage());
        } else {
            sb.append(e.getMessage());
        }
        return new IOException(sb.toString(), e);
    }
}
