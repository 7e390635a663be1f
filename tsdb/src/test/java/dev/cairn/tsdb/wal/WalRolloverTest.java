package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.FaultInjectingDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rolling over to a new segment under {@link SyncPolicy#NONE}: the old segment is fsynced and closed
 * off the writers' path, yet no durable position is published past it before that fsync (sync()
 * waits for it), and a failure of that fsync still stops the WAL. Under INTERVAL the rollover still
 * fsyncs in line (the suffix promise), which the second test checks too.
 */
class WalRolloverTest {
    /** Eight 32 KiB pages per segment: records of 20 KB roll over every dozen or so. */
    private static final int SEGMENT = 8 * 32 * 1024;

    @TempDir
    Path dir;

    private final FaultInjectingDisk disk = new FaultInjectingDisk();

    private WalOptions opts(SyncPolicy p) {
        return WalOptions.defaults().withSegmentSize(SEGMENT).withSyncPolicy(p).withDisk(disk)
                .withSyncInterval(Duration.ofHours(1));
    }

    @Test
    void none_rolloverDoesNotWaitForTheOldSegmentsFsync_andCloseFsyncsEverySegment() throws IOException {
        List<Long> logged = new ArrayList<>();
        Wal wal = Wal.open(dir, opts(SyncPolicy.NONE));
        disk.holdFsyncs();
        // with fsyncs held, a rollover that fsynced under the write lock would never return
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (long i = 0; i < 40; i++) {
                wal.log(TestRecords.make(i, 20_000));
                logged.add(i);
            }
        });
        assertTrue(wal.segmentIndex() >= 2, "expected rollovers, at segment " + wal.segmentIndex());
        assertTrue(disk.fsyncedFiles().isEmpty(), "fsyncs were held: " + disk.fsyncedFiles());
        disk.openFsyncs();
        int last = wal.segmentIndex();
        wal.close();
        for (int i = 0; i <= last; i++) {
            assertTrue(disk.fsyncedFiles().contains(Segments.path(dir, i)), "segment " + i + " never fsynced: " + disk.fsyncedFiles());
        }
        List<Long> read = new ArrayList<>();
        for (byte[] r : TestRecords.readAll(dir)) {
            read.add(TestRecords.check(r));
        }
        assertEquals(logged, read);
    }

    @Test
    void none_syncWaitsForTheRetiredSegmentsBeforeItReturns() throws Exception {
        try (Wal wal = Wal.open(dir, opts(SyncPolicy.NONE))) {
            disk.holdFsyncs();
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (long i = 0; i < 20; i++) {
                    wal.log(TestRecords.make(i, 20_000));
                }
            });
            int rolled = wal.segmentIndex();
            assertTrue(rolled >= 1, "expected a rollover");
            CompletableFuture<Void> sync = CompletableFuture.runAsync(() -> {
                try {
                    wal.sync();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // held fsyncs: sync() cannot claim the records durable, so it must still be waiting
            assertThrows(java.util.concurrent.TimeoutException.class, () -> sync.get(300, TimeUnit.MILLISECONDS));
            disk.openFsyncs();
            sync.get(30, TimeUnit.SECONDS);
            Set<Path> synced = disk.fsyncedFiles();
            for (int i = 0; i <= rolled; i++) {
                assertTrue(synced.contains(Segments.path(dir, i)), "sync() returned before segment " + i + " was fsynced: " + synced);
            }
        }
    }

    @Test
    void interval_rolloverStillFsyncsTheOldSegmentBeforeWritingTheNextOne() throws Exception {
        try (Wal wal = Wal.open(dir, opts(SyncPolicy.INTERVAL))) {
            disk.holdFsyncs();
            CompletableFuture<Void> logging = CompletableFuture.runAsync(() -> {
                try {
                    for (long i = 0; i < 20; i++) {
                        wal.log(TestRecords.make(i, 20_000));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // the first rollover waits for the held fsync: logging cannot get past it
            assertThrows(java.util.concurrent.TimeoutException.class, () -> logging.get(300, TimeUnit.MILLISECONDS));
            assertFalse(java.nio.file.Files.exists(Segments.path(dir, 1)), "segment 1 opened before segment 0 was fsynced");
            disk.openFsyncs();
            logging.get(30, TimeUnit.SECONDS);
            assertTrue(disk.fsyncedFiles().contains(Segments.path(dir, 0)));
        }
    }

    @Test
    void none_aFailedFsyncOfARetiredSegmentStopsTheWal() throws IOException {
        try (Wal wal = Wal.open(dir, opts(SyncPolicy.NONE))) {
            disk.failFsyncs();
            IOException refused = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                // the background fsync of the first retired segment fails; a later call must say so
                for (long i = 0; ; i++) {
                    try {
                        wal.log(TestRecords.make(i, 20_000));
                    } catch (IOException e) {
                        return e;
                    }
                    if (i > 1000) {
                        throw new AssertionError("the WAL kept accepting records after a failed fsync");
                    }
                    Thread.sleep(i > 20 ? 10 : 0);
                }
            });
            assertTrue(refused.getMessage().contains("accepts no writes"), refused.getMessage());
            assertTrue(refused.getCause().getMessage().contains("after rolling over"), refused.getCause().getMessage());
            assertFalse(disk.fsyncedFiles().contains(Segments.path(dir, 0)));
        }
    }
}
