package dev.cairn.appliance.compact;

import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactorRunnerTest {
    @TempDir
    Path tmp;

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void runner_runsEveryIntervalOnItsOwnThread() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        CompactorConfig cfg = CompactorConfig.defaults(tmp.resolve("compact"), "me").withInterval(Duration.ofMillis(20));
        try (CompactorRunner r = new CompactorRunner(BucketCompactor.create(bucket, cfg, Clock.systemUTC(),
                FreeSpace.FILE_STORE)).start()) {
            await(() -> r.status().snapshot().runs() >= 3, "three runs");
            assertFalse(r.status().halted());
            assertTrue(bucket.exists(BucketLock.OBJECT));
        }
        assertFalse(bucket.exists(BucketLock.OBJECT), "closing releases the lock");
    }

    @Test
    void runner_failure_haltsAndIdlesUntilResumed() throws Exception {
        Bucket inner = FilesystemBucket.open(tmp.resolve("bucket"));
        long h = Duration.ofHours(1).toMillis();
        for (int i = 0; i < 5; i++) {
            CompactorTestSupport.uploadBlock(inner, tmp, Map.of("cluster", "eu1"), CompactorTestSupport.T0 + i * 2 * h,
                    CompactorTestSupport.T0 + (i + 1) * 2 * h, 60_000, new CompactorTestSupport.Expected());
        }
        Bucket failing = new BucketCompactorTest.FailingUploads(inner, "/index");
        CompactorConfig cfg = CompactorConfig.defaults(tmp.resolve("compact"), "me").withInterval(Duration.ofMillis(10));
        try (CompactorRunner r = new CompactorRunner(BucketCompactor.unlocked(failing, cfg, Clock.systemUTC(),
                FreeSpace.FILE_STORE)).start()) {
            await(() -> r.status().halted(), "the halt");
            Thread.sleep(200); // many intervals: a halted compactor must not run again by itself
            CompactorStatus.Snapshot s = r.status().snapshot();
            assertEquals(1, s.runs());
            assertEquals(1, s.failures());
            assertTrue(s.haltReason().contains("injected upload failure"));

            r.resume();
            await(() -> r.status().snapshot().runs() == 2 && r.status().halted(), "the second run to halt again");
            assertEquals(2, r.status().snapshot().failures());
        }
    }
}
