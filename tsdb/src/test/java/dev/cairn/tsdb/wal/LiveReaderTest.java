package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.encoding.CorruptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveReaderTest {
    @TempDir
    Path dir;

    private final WalOptions opts = WalOptions.defaults().withSegmentSize(4 * 32 * 1024).withSyncPolicy(SyncPolicy.NONE);

    private static long number(LiveReader r) {
        byte[] b = new byte[r.record().remaining()];
        r.record().get(0, b);
        return TestRecords.check(b);
    }

    @Test
    void next_whileWriterAppends_returnsEveryRecordOnceInOrder() throws Exception {
        int n = 1500;
        Thread writer;
        Throwable[] failed = new Throwable[1];
        try (Wal wal = Wal.open(dir, opts)) {
            writer = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        wal.log(TestRecords.make(i, 10 + (i * 7919) % 12_000));
                    }
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
            writer.start();
            List<Long> got = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try (LiveReader r = new LiveReader(dir, 0, 0)) {
                while (got.size() < n && System.nanoTime() < deadline) {
                    if (r.next()) {
                        got.add(number(r));
                    } else {
                        Thread.sleep(1);
                    }
                }
            }
            writer.join();
            assertEquals(null, failed[0]);
            assertEquals(n, got.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, got.get(i));
            }
        }
        assertTrue(Files.exists(dir.resolve("00000003")), "the reader followed rollovers");
    }

    @Test
    void next_resumedFromSavedPosition_continuesWithTheNextRecord() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            for (int i = 0; i < 30; i++) {
                wal.log(TestRecords.make(i, 20_000));
            }
        }
        int seg;
        long off;
        try (LiveReader r = new LiveReader(dir, 0, 0)) {
            for (int i = 0; i < 17; i++) {
                assertTrue(r.next());
            }
            seg = r.segment();
            off = r.offset();
        }
        try (LiveReader r = new LiveReader(dir, seg, off)) {
            assertTrue(r.next());
            assertEquals(17, number(r));
        }
    }

    @Test
    void next_noCompleteRecordYet_returnsFalseAndLaterFindsIt() throws IOException {
        try (Wal wal = Wal.open(dir, opts); LiveReader r = new LiveReader(dir, 0, 0)) {
            assertFalse(r.next());
            wal.log(TestRecords.make(5, 100));
            assertTrue(r.next());
            assertEquals(5, number(r));
            assertFalse(r.next());
        }
    }

    @Test
    void next_tornTailInFinishedSegment_isSkipped() throws IOException {
        Wal abandoned = Wal.open(dir, opts);
        abandoned.log(TestRecords.make(0, 100));
        abandoned.log(TestRecords.make(1, 100));
        long end1 = Files.size(dir.resolve("00000000"));
        abandoned.log(TestRecords.make(2, 9000));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("00000000").toFile(), "rw")) {
            f.setLength(end1 + 50); // the writer died inside record 2
        }
        Path other = dir.resolve("other");
        try (Wal w = Wal.open(other, opts)) {
            w.log(TestRecords.make(3, 100));
        }
        Files.copy(other.resolve("00000000"), dir.resolve("00000001"));
        List<Long> got = new ArrayList<>();
        try (LiveReader r = new LiveReader(dir, 0, 0)) {
            while (r.next()) {
                got.add(number(r));
            }
        }
        assertEquals(List.of(0L, 1L, 3L), got);
    }

    @Test
    void next_flippedByte_throwsCorruptionWithSegmentAndOffset() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            for (int i = 0; i < 5; i++) {
                wal.log(TestRecords.make(i, 1000));
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("00000000").toFile(), "rw")) {
            f.seek(2500);
            int b = f.read();
            f.seek(2500);
            f.write(b ^ 1);
        }
        try (LiveReader r = new LiveReader(dir, 0, 0)) {
            assertTrue(r.next());
            assertTrue(r.next());
            CorruptionException e = assertThrows(CorruptionException.class, r::next);
            assertEquals(dir.resolve("00000000").toString(), e.file());
            assertEquals(2 * (7 + 1000), e.offset());
        }
    }
}
