package dev.cairn.appliance.store;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.QueryResult;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.bucket.S3Bucket;
import dev.cairn.tsdb.bucket.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store gateway over S3 (a real S3Proxy on 127.0.0.1) at a dashboard's scale: 50 instances
 * (500 series) over a day of 2h blocks, the same blocks also in a filesystem bucket. Answers must
 * agree; the figures (latency, GETs, bytes, cold and warm) are printed for the notes.
 */
class BucketStoreS3Test {
    static final long H = 3_600_000L;

    @TempDir
    Path tmp;

    @Test
    void dayOfBlocksInS3_answersAsTheFilesystemBucket_withFewGets() throws Exception {
        Workload w = new Workload(50, Workload.T0, Workload.T0 + 24 * H);
        S3ProxyServer s3 = S3ProxyServer.shared();
        try (Bucket fs = FilesystemBucket.open(tmp.resolve("bucket"));
             Bucket bucket = S3Bucket.open(s3.config(s3.createBucket()))) {
            List<Path> dirs = w.ship2hBlocks(tmp.resolve("blocks"), fs, BucketStoreTest.EXT);
            for (Path d : dirs) {
                dev.cairn.tsdb.ship.Upload.upload(bucket, d,
                        dev.cairn.tsdb.ship.Upload.Options.of(BucketStoreTest.EXT, "receive"));
            }
            try (BucketStore onS3 = new BucketStore(bucket, 256 << 20);
                 BucketStore onFs = new BucketStore(fs, 256 << 20)) {
                assertEquals(12, onS3.sync().blocks());
                onFs.sync();
                Engine engine = new Engine();
                for (String q : List.of("sum by (code) (rate(http_requests_total[5m]))",
                        "topk(5, max_over_time(node_load1[1h]))",
                        "avg by (mode) (rate(node_cpu_seconds_total{instance=~\"vm-1.*\"}[10m]))")) {
                    long g0 = onS3.bucketGets();
                    long b0 = onS3.bucketBytes();
                    long t0 = System.nanoTime();
                    QueryResult cold = engine.rangeQuery(onS3::querier, q, Workload.T0 + H, Workload.T0 + 24 * H,
                            300_000);
                    long coldNs = System.nanoTime() - t0;
                    long gets = onS3.bucketGets() - g0;
                    long bytes = onS3.bucketBytes() - b0;
                    t0 = System.nanoTime();
                    QueryResult warm = engine.rangeQuery(onS3::querier, q, Workload.T0 + H, Workload.T0 + 24 * H,
                            300_000);
                    long warmNs = System.nanoTime() - t0;
                    assertEquals(g0 + gets, onS3.bucketGets(), "warm: no GET");
                    String fsAnswer = Answers.render(engine.rangeQuery(onFs::querier, q, Workload.T0 + H,
                            Workload.T0 + 24 * H, 300_000));
                    assertEquals(fsAnswer, Answers.render(cold), q);
                    assertEquals(fsAnswer, Answers.render(warm), q);
                    assertTrue(Answers.points(cold) > 100, q);
                    // per block at most: 4 header reads, a few postings/series/chunk reads (coalesced), refetches
                    assertTrue(gets <= 12 * 12, q + ": " + gets + " GETs");
                    System.out.printf("store gateway on S3Proxy, 12 blocks x 500 series, 23h at 5m step, %s: cold %.0f ms,"
                            + " %d GETs, %d bytes; warm %.0f ms, 0 GETs%n", q, coldNs / 1e6, gets, bytes, warmNs / 1e6);
                }
            }
        }
    }
}
