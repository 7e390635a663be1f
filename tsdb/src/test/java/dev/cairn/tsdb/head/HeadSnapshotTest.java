package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.cairn.tsdb.head.HeadTestSupport.appendInTimeOrder;
import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static dev.cairn.tsdb.head.HeadTestSupport.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadSnapshotTest {
    @TempDir
    Path dir;

    private final WalOptions walOptions = WalOptions.defaults().withSyncPolicy(SyncPolicy.ALWAYS);

    private Head open() throws IOException {
        return Head.open(dir.resolve("wal"), HeadOptions.defaults(), walOptions, Long.MIN_VALUE);
    }

    private static List<Samples> data(long seed, int series) {
        // > 120 samples per series, so every series has closed chunks and an open one
        return RandomSeries.generate(new Random(seed), RandomSeries.Spec.of(series, 400, 1_600_000_000_000L));
    }

    /** Each series' chunk bounds, to check that a restored head cuts chunks where the original does. */
    private static List<String> chunkBounds(Head h) {
        List<String> out = new ArrayList<>();
        h.series.forEachById(s -> {
            ChunkList cl = new ChunkList();
            synchronized (s) {
                s.chunksOverlapping(Long.MIN_VALUE, Long.MAX_VALUE, cl, h.chunks);
            }
            StringBuilder sb = new StringBuilder(s.id + " " + s.labels + ":");
            for (int i = 0; i < cl.size(); i++) {
                sb.append(" [").append(cl.minTime(i)).append(',').append(cl.maxTime(i)).append(']');
            }
            out.add(sb.toString());
        });
        return out;
    }

    @Test
    void reopen_afterCleanClose_loadsSnapshotAndReplaysNoWal() throws IOException {
        List<Samples> in = data(11, 300);
        Head h = open();
        appendInTimeOrder(h, in, 100);
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        List<String> bounds = chunkBounds(h);
        h.close();
        assertEquals(1, HeadSnapshot.list(dir.resolve("wal")).size(), "close wrote one snapshot");

        Head r = open();
        HeadRestore restore = r.restore();
        assertTrue(restore.fromSnapshot(), restore.toString());
        assertNull(restore.snapshotFailure());
        assertEquals(300, restore.snapshotSeries());
        assertEquals(0, restore.walRecords(), "nothing was written to the WAL after the snapshot");
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(bounds, chunkBounds(r));
        assertEquals(h.minTime(), r.minTime());
        assertEquals(h.maxTime(), r.maxTime());
        assertEquals(h.numSeries(), r.numSeries());

        // appends continue the restored open chunks exactly as a head that never stopped
        Head never = Head.inMemory(HeadOptions.defaults());
        appendInTimeOrder(never, in, 100);
        long t0 = h.maxTime() + 1;
        for (Head x : new Head[]{never, r}) {
            HeadAppender a = x.appender();
            for (Samples s : in) {
                for (int k = 0; k < 150; k++) {
                    assertEquals(AppendResult.OK, a.append(s.labels(), t0 + k * 15_000L, k * 0.25));
                }
            }
            a.commit();
        }
        assertEquals(selectAll(never.querier(Long.MIN_VALUE, Long.MAX_VALUE)), selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(chunkBounds(never), chunkBounds(r));
        HeadAppender a = r.appender();
        a.append(series("new_after_snapshot"), t0 + 150 * 15_000L, 1);
        a.commit();
        assertTrue(r.series.get(series("new_after_snapshot")).id > in.size(), "new ids above every restored one");
        r.close();
    }

    @Test
    void reopen_afterCrashFollowingSnapshotStart_loadsSnapshotPlusLaterWal() throws IOException {
        List<Samples> in = data(12, 100);
        Head h = open();
        appendInTimeOrder(h, in, 50);
        h.close();
        Head r = open();
        assertTrue(r.restore().fromSnapshot());
        HeadAppender a = r.appender();
        Labels fresh = series("after_restart", "i", "1");
        long t = r.maxTime() + 1000;
        for (int k = 0; k < 10; k++) {
            a.append(in.get(0).labels(), t + k, k);
            a.append(fresh, t + k, -k);
            a.commit();
        }
        List<Samples> expected = selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        // no close: the process "dies" here (ALWAYS fsyncs each commit)

        Head c = open();
        assertTrue(c.restore().fromSnapshot(), c.restore().toString());
        assertEquals(10, c.restore().walRecords() - 1, "ten samples records and one series record after the snapshot");
        assertEquals(expected, selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        c.close();
        r.wal().close();
    }

    @Test
    void reopen_corruptSnapshot_fallsBackToWalWithReason() throws IOException {
        List<Samples> in = data(13, 200);
        Head h = open();
        appendInTimeOrder(h, in, 100);
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        h.close();
        Path snap = HeadSnapshot.list(dir.resolve("wal")).get(0).file();
        long size = Files.size(snap);
        try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, size / 2);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, size / 2);
        }

        Head r = open();
        HeadRestore restore = r.restore();
        assertFalse(restore.fromSnapshot());
        assertNotNull(restore.snapshotFailure());
        assertTrue(restore.snapshotFailure().contains("checksum"), restore.snapshotFailure());
        assertTrue(restore.walRecords() > 0, "the whole WAL was replayed");
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(200, r.numSeries());
        r.close();
        // the close wrote a good snapshot again
        Head r2 = open();
        assertTrue(r2.restore().fromSnapshot());
        assertEquals(before, selectAll(r2.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        r2.close();
    }

    @Test
    void reopen_truncatedSnapshot_fallsBackToWal() throws IOException {
        List<Samples> in = data(14, 50);
        Head h = open();
        appendInTimeOrder(h, in, 100);
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        h.close();
        Path snap = HeadSnapshot.list(dir.resolve("wal")).get(0).file();
        try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(snap) - 10); // the trailer is gone, as if the write was cut short
        }
        Head r = open();
        assertFalse(r.restore().fromSnapshot());
        assertTrue(r.restore().snapshotFailure().contains("cut short"), r.restore().snapshotFailure());
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        r.close();
    }

    @Test
    void truncate_deletesSnapshot_reopenReplaysCheckpoint() throws IOException {
        long range = 60_000;
        HeadOptions o = HeadOptions.defaults().withChunkRange(range);
        Path walDir = dir.resolve("wal");
        Head h = Head.open(walDir, o, walOptions.withSyncPolicy(SyncPolicy.NONE), Long.MIN_VALUE);
        Labels l = series("m");
        HeadAppender a = h.appender();
        for (int k = 0; k < 100; k++) {
            a.append(l, k * 1000L, k);
        }
        a.commit();
        h.close();
        Head r = Head.open(walDir, o, walOptions.withSyncPolicy(SyncPolicy.NONE), Long.MIN_VALUE);
        assertTrue(r.restore().fromSnapshot());
        r.truncate(60_000);
        assertTrue(HeadSnapshot.list(walDir).isEmpty(), "a snapshot holding truncated data is gone");
        List<Samples> before = selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(60_000, before.get(0).t(0));
        r.snapshotOnClose(false);
        r.close();
        Head c = Head.open(walDir, o, walOptions.withSyncPolicy(SyncPolicy.NONE), 60_000);
        assertFalse(c.restore().fromSnapshot());
        assertNull(c.restore().snapshotFailure(), "no snapshot is not a failure");
        assertEquals(before, selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        c.close();
    }
}
