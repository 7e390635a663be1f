package dev.cairn.appliance.compact;

import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BucketLockTest {
    @TempDir
    Path tmp;

    @Test
    void tryAcquire_freshLockOfAnother_isRefusedUntilStale() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        CompactorTestSupport.MutableClock clock = new CompactorTestSupport.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        BucketLock a = new BucketLock(bucket, "a", Duration.ofMinutes(30), clock);
        BucketLock b = new BucketLock(bucket, "b", Duration.ofMinutes(30), clock);

        assertNull(a.tryAcquire(), "absent lock is taken");
        assertEquals("a", b.tryAcquire().holder(), "fresh lock of a refused");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(a.heartbeat());
        clock.advance(Duration.ofMinutes(29));
        assertEquals("a", b.tryAcquire().holder(), "a heartbeat keeps it fresh");

        clock.advance(Duration.ofMinutes(31));
        assertNull(b.tryAcquire(), "stale lock taken over");
        assertFalse(a.heartbeat(), "the old holder learns it lost the lock");
        a.release();
        assertTrue(bucket.exists(BucketLock.OBJECT), "release by a non-holder leaves the lock");
        b.release();
        assertFalse(bucket.exists(BucketLock.OBJECT));
    }

    @Test
    void runOnce_lockHeldByAnother_skipsTheRunWithoutHalting() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        CompactorTestSupport.MutableClock clock = new CompactorTestSupport.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertNull(new BucketLock(bucket, "other", Duration.ofMinutes(30), clock).tryAcquire());
        BucketCompactor c = BucketCompactor.create(bucket, CompactorConfig.defaults(tmp.resolve("compact"), "me"), clock,
                FreeSpace.FILE_STORE);

        c.runOnce();

        CompactorStatus.Snapshot s = c.status().snapshot();
        assertEquals(1, s.lockLost());
        assertEquals("other", s.lockHolder());
        assertFalse(s.halted());
        assertNull(s.lastSuccess(), "a skipped run is no success");
        assertTrue(c.status().metricsText().contains("\ncairn_compactor_leader 0\n"), c.status().metricsText());
    }

    @Test
    void runOnce_lockTaken_exportsLeader() throws Exception {
        Bucket bucket = FilesystemBucket.open(tmp.resolve("bucket"));
        CompactorTestSupport.MutableClock clock = new CompactorTestSupport.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        BucketCompactor c = BucketCompactor.create(bucket, CompactorConfig.defaults(tmp.resolve("compact"), "me"), clock,
                FreeSpace.FILE_STORE);
        assertTrue(c.status().metricsText().contains("\ncairn_compactor_leader 0\n"), "not the leader before a run");

        c.runOnce();

        assertEquals("me", c.status().snapshot().lockHolder());
        assertTrue(c.status().metricsText().contains("\ncairn_compactor_leader 1\n"), c.status().metricsText());
    }
}
