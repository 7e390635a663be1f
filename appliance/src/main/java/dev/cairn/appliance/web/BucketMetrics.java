package dev.cairn.appliance.web;

import dev.cairn.tsdb.bucket.InstrumentedBucket;
import dev.cairn.tsdb.bucket.InstrumentedBucket.Operation;

/**
 * The bucket's operation counters ({@code cairn_bucket_operations_total} and
 * {@code cairn_bucket_operation_failures_total} by {@code operation}, as Thanos's objstore metrics), read
 * from the {@link InstrumentedBucket} every bucket user of the appliance shares: receiver shipping,
 * compactor and store.
 */
public final class BucketMetrics implements MetricsSource {
    private final InstrumentedBucket bucket;

    public BucketMetrics(InstrumentedBucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public void writeMetrics(MetricsText out) {
        out.family("cairn_bucket_operations_total", "counter", "Object storage operations attempted, by operation.");
        for (Operation op : Operation.values()) {
            out.sample("cairn_bucket_operations_total", bucket.operations(op), "operation", op.label());
        }
        out.family("cairn_bucket_operation_failures_total", "counter",
                "Object storage operations that failed, by operation (a \"not found\" answer is not a failure).");
        for (Operation op : Operation.values()) {
            out.sample("cairn_bucket_operation_failures_total", bucket.failures(op), "operation", op.label());
        }
        out.single("cairn_bucket_read_bytes_total", "counter", "Bytes read from the bucket.", bucket.bytesRead());
        out.single("cairn_bucket_uploaded_bytes_total", "counter", "Bytes of completed uploads.", bucket.bytesUploaded());
    }
}
