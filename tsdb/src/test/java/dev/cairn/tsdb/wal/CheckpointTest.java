package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.Disk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    private final WalOptions opts = WalOptions.defaults().withSegmentSize(4 * 32 * 1024).withSyncPolicy(SyncPolicy.NONE);

    /** Keeps even-numbered records only. */
    private static final CheckpointFilter EVEN = r -> r.getLong(0) % 2 == 0 ? r : null;

    private List<Long> replay() throws IOException {
        List<Long> out = new ArrayList<>();
        try (SegmentReader r = SegmentReader.openForReplay(dir)) {
            while (r.next()) {
                out.add(TestRecords.check(r.recordBytes()));
            }
        }
        return out;
    }

    @Test
    void create_thenTruncate_replayReadsKeptRecordsThenNewerSegments() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            for (int i = 0; i < 6; i++) {
                wal.log(TestRecords.make(i, 100));
                wal.nextSegment(); // record i sits in segment i
            }
            Checkpoint.Stats st = Checkpoint.create(dir, 0, 3, EVEN, opts);
            assertEquals(4, st.recordsRead());
            assertEquals(2, st.recordsKept());
            assertEquals(dir.resolve("checkpoint.00000003"), st.checkpoint().dir());
            wal.truncate(4);
            wal.log(TestRecords.make(6, 100));
        }
        assertFalse(Files.exists(dir.resolve("00000003")));
        assertEquals(List.of(0L, 2L, 4L, 5L, 6L), replay());
    }

    @Test
    void create_second_readsPreviousCheckpointAndDeletesIt() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            for (int i = 0; i < 6; i++) {
                wal.log(TestRecords.make(i, 100));
                wal.nextSegment();
            }
            Checkpoint.create(dir, 0, 1, CheckpointFilter.KEEP_ALL, opts);
            wal.truncate(2);
            Checkpoint.Stats st = Checkpoint.create(dir, 0, 4, EVEN, opts);
            assertEquals(2 + 3, st.recordsRead(), "checkpoint 1 holds two records, segments 2..4 three");
            wal.truncate(5);
            Checkpoint.deleteBefore(Disk.local(), dir, 4);
        }
        assertEquals(List.of(new Checkpoint.Ref(dir.resolve("checkpoint.00000004"), 4)), Checkpoint.list(Disk.local(), dir));
        assertEquals(List.of(0L, 2L, 4L, 5L), replay());
    }

    @Test
    void create_rewritingFilter_storesRewrittenRecords() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            wal.log(TestRecords.make(1, 100));
            wal.nextSegment();
        }
        CheckpointFilter renumber = r -> ByteBuffer.wrap(TestRecords.make(r.getLong(0) + 100, 50));
        Checkpoint.create(dir, 0, 0, renumber, opts);
        try (SegmentReader r = SegmentReader.open(Checkpoint.dir(dir, 0))) {
            assertTrue(r.next());
            assertEquals(101, TestRecords.check(r.recordBytes()));
            assertFalse(r.next());
        }
    }

    @Test
    void create_staleTempFromCrash_isReplacedAndNeverRead() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            wal.log(TestRecords.make(0, 100));
            wal.nextSegment();
        }
        Path stale = dir.resolve("checkpoint.00000000.tmp");
        Files.createDirectories(stale);
        Files.write(stale.resolve("00000000"), new byte[]{9, 9, 9});
        assertEquals(List.of(0L), replay(), "a .tmp checkpoint is not a checkpoint");
        Checkpoint.create(dir, 0, 0, CheckpointFilter.KEEP_ALL, opts);
        assertFalse(Files.exists(stale));
    }

    @Test
    void create_skippingSegmentsAfterPreviousCheckpoint_isRejected() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            for (int i = 0; i < 4; i++) {
                wal.log(TestRecords.make(i, 10));
                wal.nextSegment();
            }
        }
        Checkpoint.create(dir, 0, 0, CheckpointFilter.KEEP_ALL, opts);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.create(dir, 2, 3, CheckpointFilter.KEEP_ALL, opts));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.create(dir, 0, 0, CheckpointFilter.KEEP_ALL, opts));
    }

    @Test
    void openForReplay_segmentsMissingAfterCheckpoint_isReported() throws IOException {
        try (Wal wal = Wal.open(dir, opts)) {
            for (int i = 0; i < 4; i++) {
                wal.log(TestRecords.make(i, 10));
                wal.nextSegment();
            }
            Checkpoint.create(dir, 0, 0, CheckpointFilter.KEEP_ALL, opts);
            wal.truncate(3);
        }
        IOException e = assertThrows(IOException.class, () -> SegmentReader.openForReplay(dir));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
