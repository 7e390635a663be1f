package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.FaultInjectingDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class WalDiskFailureTest {
    @TempDir
    Path dir;

    private final FaultInjectingDisk disk = new FaultInjectingDisk();

    private WalOptions opts(SyncPolicy p) {
        return WalOptions.defaults().withSegmentSize(8 * 32 * 1024).withSyncPolicy(p).withDisk(disk);
    }

    /** Logs numbered records until log() throws; returns the acknowledged numbers. */
    private List<Long> logUntilFailure(Wal wal, int size, int max) {
        List<Long> acked = new ArrayList<>();
        for (long i = 0; i < max; i++) {
            try {
                wal.log(TestRecords.make(i, size));
                acked.add(i);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("injected"), e.getMessage());
                return acked;
            }
        }
        return fail("the disk never filled up");
    }

    private void assertStopsLoudlyAndLosesNothing(SyncPolicy policy, Runnable arm, int size) throws IOException {
        List<Long> acked;
        try (Wal wal = Wal.open(dir, opts(policy))) {
            for (long i = 0; i < 10; i++) {
                wal.log(TestRecords.make(1_000_000 + i, size));
            }
            arm.run();
            acked = logUntilFailure(wal, size, 100_000);
            IOException again = assertThrows(IOException.class, () -> wal.log(TestRecords.make(999, size)));
            assertTrue(again.getMessage().contains("accepts no writes"), again.getMessage());
        }
        // Reopen on a healthy disk: the torn tail goes, every acknowledged record is there once, in order.
        FaultInjectingDisk healthy = new FaultInjectingDisk();
        try (Wal wal = Wal.open(dir, opts(policy).withDisk(healthy))) {
            wal.log(TestRecords.make(2_000_000, 10));
        }
        List<Long> read = new ArrayList<>();
        for (byte[] r : TestRecords.readAll(dir)) {
            read.add(TestRecords.check(r));
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(1_000_000L + i, read.get(i));
        }
        for (int i = 0; i < acked.size(); i++) {
            assertEquals(acked.get(i), read.get(10 + i), "acknowledged record " + i);
        }
        // Between the acknowledged records and the one logged after reopening there may be the record
        // whose write failed, if all its bytes reached the disk; it was not acknowledged, so either is fine.
        List<Long> between = read.subList(10 + acked.size(), read.size() - 1);
        assertTrue(between.isEmpty() || between.equals(List.of((long) acked.size())), "unexpected records " + between);
        assertEquals(2_000_000L, read.get(read.size() - 1));
    }

    @Test
    void log_diskFullMidRecord_throwsAndKeepsEveryAcknowledgedRecord() throws IOException {
        assertStopsLoudlyAndLosesNothing(SyncPolicy.BATCH, () -> disk.failAppendsAfter(100_000), 3000);
    }

    @Test
    void log_diskFullWithAlwaysPolicy_throwsAndKeepsEveryAcknowledgedRecord() throws IOException {
        assertStopsLoudlyAndLosesNothing(SyncPolicy.ALWAYS, () -> disk.failAppendsAfter(70_001), 50_000);
    }

    @Test
    void log_failingFsync_throwsAndNothingAfterIsAcknowledged() throws IOException {
        try (Wal wal = Wal.open(dir, opts(SyncPolicy.BATCH))) {
            wal.log(TestRecords.make(0, 100));
            disk.failFsyncs();
            IOException e = assertThrows(IOException.class, () -> wal.log(TestRecords.make(1, 100)));
            assertTrue(e.getMessage().contains("injected"), e.getMessage());
            assertThrows(IOException.class, () -> wal.log(TestRecords.make(2, 100)));
            assertThrows(IOException.class, wal::sync);
        }
    }

    @Test
    void log_failingFsyncWithAlwaysPolicy_throwsForThatCall() throws IOException {
        try (Wal wal = Wal.open(dir, opts(SyncPolicy.ALWAYS))) {
            disk.failFsyncs();
            assertThrows(IOException.class, () -> wal.log(TestRecords.make(1, 100)));
            assertThrows(IOException.class, () -> wal.log(TestRecords.make(2, 100)));
        }
    }
}
