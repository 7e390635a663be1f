package dev.cairn.tsdb.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalTest {
    private static final int PAGE = 32 * 1024;

    @TempDir
    Path dir;

    private WalOptions small(SyncPolicy p) {
        return WalOptions.defaults().withSegmentSize(4 * PAGE).withSyncPolicy(p);
    }

    @Test
    void log_recordsOfAllSizes_readBackInOrderAcrossPagesAndSegments() throws IOException {
        int[] sizes = {0, 1, 7, 100, PAGE - 7, PAGE - 6, PAGE, 3 * PAGE + 5, 9 * PAGE};
        List<byte[]> want = new ArrayList<>();
        try (Wal wal = Wal.open(dir, small(SyncPolicy.NONE))) {
            for (int round = 0; round < 3; round++) {
                for (int s : sizes) {
                    byte[] r = s == 0 ? new byte[0] : TestRecords.make(want.size(), s);
                    want.add(r);
                    wal.log(r);
                }
            }
        }
        List<byte[]> got = TestRecords.readAll(dir);
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i), "record " + i);
        }
        assertTrue(Segments.list(dev.cairn.tsdb.fs.Disk.local(), dir).length > 3,
                "small segments must roll over");
    }

    @Test
    void log_oneSmallRecord_writesPrometheusFragmentHeaderAndPadsPageOnClose() throws IOException {
        byte[] rec = {1, 2, 3, 4, 5};
        try (Wal wal = Wal.open(dir, small(SyncPolicy.ALWAYS))) {
            wal.log(rec);
        }
        byte[] file = Files.readAllBytes(dir.resolve("00000000"));
        assertEquals(PAGE, file.length, "a closed segment ends on a page boundary");
        CRC32C c = new CRC32C();
        c.update(rec);
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals(1, b.get(0), "type: full record, uncompressed");
        assertEquals(5, b.getShort(1), "length, big-endian");
        assertEquals((int) c.getValue(), b.getInt(3), "CRC32C of the data, big-endian");
        assertArrayEquals(rec, java.util.Arrays.copyOfRange(file, 7, 12));
        for (int i = 12; i < PAGE; i++) {
            assertEquals(0, file[i], "padding byte " + i);
        }
    }

    @Test
    void log_recordLargerThanPage_isSplitIntoFirstMiddleLastFragments() throws IOException {
        byte[] rec = TestRecords.make(7, 2 * PAGE + 100);
        try (Wal wal = Wal.open(dir, small(SyncPolicy.NONE))) {
            wal.log(rec);
        }
        byte[] file = Files.readAllBytes(dir.resolve("00000000"));
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals(2, b.get(0), "first");
        assertEquals(PAGE - 7, b.getShort(1) & 0xFFFF);
        assertEquals(3, b.get(PAGE), "middle starts the second page");
        assertEquals(PAGE - 7, b.getShort(PAGE + 1) & 0xFFFF);
        assertEquals(4, b.get(2 * PAGE), "last starts the third page");
        assertEquals(100 + 14, b.getShort(2 * PAGE + 1) & 0xFFFF);
    }

    @Test
    void open_existingWal_startsNewSegmentAndKeepsOldRecords() throws IOException {
        try (Wal wal = Wal.open(dir, small(SyncPolicy.BATCH))) {
            wal.log(TestRecords.make(0, 50));
        }
        try (Wal wal = Wal.open(dir, small(SyncPolicy.BATCH))) {
            assertEquals(1, wal.segmentIndex());
            wal.log(TestRecords.make(1, 50));
        }
        List<byte[]> got = TestRecords.readAll(dir);
        assertEquals(0, TestRecords.check(got.get(0)));
        assertEquals(1, TestRecords.check(got.get(1)));
        assertEquals(2, got.size());
    }

    @Test
    void log_batchPolicyWithConcurrentWriters_acknowledgesEveryRecordExactlyOnce() throws Exception {
        int threads = 8;
        int perThread = 500;
        AtomicLong seq = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Wal wal = Wal.open(dir, small(SyncPolicy.BATCH))) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        wal.log(TestRecords.make(seq.getAndIncrement(), 200));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<byte[]> got = TestRecords.readAll(dir);
        boolean[] seen = new boolean[threads * perThread];
        for (byte[] r : got) {
            int n = (int) TestRecords.check(r);
            assertTrue(!seen[n], "record " + n + " twice");
            seen[n] = true;
        }
        assertEquals(threads * perThread, got.size());
    }

    @Test
    void log_intervalPolicy_syncsInBackgroundAndClosesCleanly() throws Exception {
        try (Wal wal = Wal.open(dir, small(SyncPolicy.INTERVAL).withSyncInterval(java.time.Duration.ofMillis(5)))) {
            for (int i = 0; i < 100; i++) {
                wal.log(TestRecords.make(i, 300));
            }
            Thread.sleep(30);
        }
        assertEquals(100, TestRecords.readAll(dir).size());
    }

    @Test
    void log_afterClose_throws() throws IOException {
        Wal wal = Wal.open(dir, small(SyncPolicy.ALWAYS));
        wal.close();
        assertThrows(IOException.class, () -> wal.log(new byte[]{1}));
    }

    @Test
    void truncate_deletesOlderSegmentsOnly() throws IOException {
        try (Wal wal = Wal.open(dir, small(SyncPolicy.NONE))) {
            for (int i = 0; i < 4; i++) {
                wal.log(TestRecords.make(i, 10));
                wal.nextSegment();
            }
            wal.truncate(2);
            assertArrayEquals(new int[]{2, 3, 4}, Segments.list(dev.cairn.tsdb.fs.Disk.local(), dir));
            assertThrows(IllegalArgumentException.class, () -> wal.truncate(9));
        }
        List<byte[]> got = TestRecords.readAll(dir);
        assertEquals(2, TestRecords.check(got.get(0)));
        assertEquals(2, got.size());
    }

    @Test
    void options_segmentSizeNotMultipleOfPage_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> WalOptions.defaults().withSegmentSize(PAGE + 1));
    }

    @Test
    void segments_names_areEightDigits() {
        assertEquals("00000000", Segments.name(0));
        assertEquals("00000123", Segments.name(123));
        assertEquals(123, Segments.parse("00000123"));
        assertEquals(-1, Segments.parse("checkpoint.00000001"));
    }
}
