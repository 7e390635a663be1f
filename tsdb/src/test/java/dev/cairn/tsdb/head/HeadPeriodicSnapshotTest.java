package dev.cairn.tsdb.head;

import dev.cairn.tsdb.fs.Disk;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.wal.Checkpoint;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static dev.cairn.tsdb.head.HeadTestSupport.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Head snapshots written while appenders run ({@link Head#snapshot()}): a start from a copy of the
 * directory taken at some moment — what a SIGKILL leaves, since the page cache survives it — loads
 * the newest snapshot and replays the WAL after it, and holds every committed sample exactly once.
 * {@code DbCrashTest} does the same with real kills, during snapshot writes too.
 */
class HeadPeriodicSnapshotTest {
    @TempDir
    Path dir;

    private static final WalOptions ALWAYS = WalOptions.defaults().withSyncPolicy(SyncPolicy.ALWAYS);

    /** What a SIGKILL now would leave: the files as they are (no close). */
    private static Path crashCopy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return to;
    }

    private static Labels labels(int thread, int i) {
        return series("snap_race", "thread", Integer.toString(thread), "i", Integer.toString(i));
    }

    @Test
    void snapshotsWhileFourAppendersCommit_startFromCrashCopy_everyCommittedSampleOnce() throws Exception {
        Path live = dir.resolve("live");
        // full chunks straight to chunks_head, so snapshots name chunks on disk
        HeadOptions o = HeadOptions.defaults().withChunkWriteBuffer(0);
        Head h = Head.open(live.resolve("wal"), o, WalOptions.defaults().withSyncPolicy(SyncPolicy.BATCH), Long.MIN_VALUE);
        int threads = 4;
        int perThread = 40;
        int rounds = 300; // > 120 samples: every series has full chunks
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> appenders = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            int me = th;
            Thread t = new Thread(() -> {
                try {
                    HeadAppender a = h.appender();
                    for (int k = 0; k < rounds; k++) {
                        for (int i = 0; i < perThread; i++) {
                            assertEquals(AppendResult.OK, a.append(labels(me, i), k * 1000L, k * (me + 1)));
                        }
                        a.commit();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            appenders.add(t);
            t.start();
        }
        int[] snapshots = {0};
        Thread snapper = new Thread(() -> {
            try {
                while (!done.get()) {
                    assertNotNull(h.snapshot());
                    snapshots[0]++;
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        snapper.start();
        for (Thread t : appenders) {
            t.join();
        }
        done.set(true);
        snapper.join();
        assertTrue(failures.isEmpty(), () -> failures.toString());
        assertTrue(snapshots[0] >= 2, "only " + snapshots[0] + " snapshots while appending");
        // commits after the last snapshot: the restart must take them from the WAL
        HeadAppender a = h.appender();
        for (int k = rounds; k < rounds + 5; k++) {
            a.append(labels(0, 0), k * 1000L, k);
            a.append(series("snap_race_late"), k * 1000L, -k);
            a.commit();
        }

        List<Samples> expected = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            for (int i = 0; i < perThread; i++) {
                Samples s = new Samples(labels(th, i));
                int end = th == 0 && i == 0 ? rounds + 5 : rounds;
                for (int k = 0; k < end; k++) {
                    s.add(k * 1000L, k < rounds ? k * (th + 1) : k);
                }
                expected.add(s);
            }
        }
        Samples late = new Samples(series("snap_race_late"));
        for (int k = rounds; k < rounds + 5; k++) {
            late.add(k * 1000L, -k);
        }
        expected.add(late);
        expected.sort((x, y) -> x.labels().compareTo(y.labels()));
        assertEquals(expected, selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE)), "the live head");
        h.wal().sync();

        Path copy = crashCopy(live, dir.resolve("copy"));
        Head c = Head.open(copy.resolve("wal"), o, ALWAYS, Long.MIN_VALUE);
        HeadRestore r = c.restore();
        assertTrue(r.fromSnapshot(), r.toString());
        assertTrue(r.walRecords() >= 5, "the commits after the snapshot come from the WAL: " + r);
        assertTrue(r.mmappedChunks() > 0, "full chunks named by the snapshot come from chunks_head: " + r);
        assertEquals(expected, selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)), "after the crash restart");
        c.close();
        h.close();
    }

    /**
     * Snapshot, block-cut truncation (which deletes it and checkpoints the WAL), snapshot again:
     * a crash start uses the newer snapshot over the checkpointed WAL. The snapshot from before the
     * truncation (put back by hand) is refused, as it names chunks in a file the truncation deleted,
     * and deleted; the checkpoint and segments are replayed.
     */
    @Test
    void snapshotTruncateSnapshot_crashCopy_usesNewestSnapshot_staleOneFallsBackToCheckpoint() throws Exception {
        Path live = dir.resolve("live");
        Path walDir = live.resolve("wal");
        long range = 60_000;
        HeadOptions o = HeadOptions.defaults().withChunkRange(range).withChunkWriteBuffer(0);
        WalOptions wo = ALWAYS.withSegmentSize(64 * 1024);
        Head h = Head.open(walDir, o, wo, Long.MIN_VALUE);
        HeadAppender a = h.appender();
        int series = 20;
        for (int k = 0; k < 100; k++) {
            for (int i = 0; i < series; i++) {
                a.append(series("cp", "i", Integer.toString(i)), k * 1000L, k + i);
            }
            a.commit();
            if (k % 20 == 19) {
                h.snapshot(); // each also starts a segment: a checkpoint has some to cover
            }
        }
        Path stale = dir.resolve("stale-snapshot");
        HeadSnapshot.Ref before = HeadSnapshot.list(walDir).get(0);
        Files.copy(before.file(), stale);

        h.truncate(range);
        assertTrue(HeadSnapshot.list(walDir).isEmpty(), "truncation deletes the snapshot holding the cut range");
        assertNotNull(Checkpoint.last(Disk.local(), walDir), "truncation checkpointed the WAL");
        for (int k = 100; k < 130; k++) {
            for (int i = 0; i < series; i++) {
                a.append(series("cp", "i", Integer.toString(i)), k * 1000L, k + i);
            }
            a.commit();
            if (k == 115) {
                assertNotNull(h.snapshot());
            }
        }
        List<Samples> expected = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(range, expected.get(0).t(0));
        assertEquals(70, expected.get(0).size());

        Path copy = crashCopy(live, dir.resolve("copy"));
        Head c = Head.open(copy.resolve("wal"), o, wo, range);
        assertTrue(c.restore().fromSnapshot(), c.restore().toString());
        assertEquals(expected, selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        c.snapshotOnClose(false);
        c.close();

        Path copy2 = crashCopy(live, dir.resolve("copy2"));
        HeadSnapshot.deleteAll(copy2.resolve("wal"));
        Files.copy(stale, copy2.resolve(before.file().getFileName().toString()));
        Head c2 = Head.open(copy2.resolve("wal"), o, wo, range);
        assertFalse(c2.restore().fromSnapshot());
        // refused for the chunk file truncation deleted (the checkpoint, 0..2, is older than it)
        assertTrue(c2.restore().snapshotFailure().contains("does not hold"), c2.restore().snapshotFailure());
        assertTrue(HeadSnapshot.list(copy2.resolve("wal")).isEmpty(), "the refused snapshot was deleted");
        assertEquals(expected, selectAll(c2.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        c2.close();
        h.close();
    }

    /**
     * Chunks cut after the snapshot are on disk when the process dies: the start attaches them to
     * the snapshot's series (the first one being the snapshot's open chunk, grown and cut) and
     * re-encodes only the samples after them, writing no second copy of any chunk.
     */
    @Test
    void chunksCutAfterSnapshot_attachedAtStart_noChunkWrittenTwice() throws Exception {
        Path live = dir.resolve("live");
        HeadOptions o = HeadOptions.defaults().withChunkWriteBuffer(0);
        Head h = Head.open(live.resolve("wal"), o, ALWAYS, Long.MIN_VALUE);
        HeadAppender a = h.appender();
        int series = 20;
        for (int k = 0; k < 400; k++) {
            for (int i = 0; i < series; i++) {
                a.append(series("later", "i", Integer.toString(i)), k * 1000L, k * 0.5 + i);
            }
            a.commit();
            if (k == 149) {
                // a series logged without samples yet: in the snapshot empty, its chunks all come later
                a.append(series("late_start"), k * 1000L, 0);
                a.rollback();
                assertNotNull(h.snapshot()); // 1 full chunk (0..119) and 30 samples open per series
            }
            if (k >= 150) {
                a.append(series("late_start"), k * 1000L, k);
            }
        }
        a.commit();
        // since: two more full chunks and some samples open, per series
        List<Samples> expected = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        long[] open = {0};
        long[] full = {0};
        h.series.forEachById(s -> {
            ChunkList cl = new ChunkList();
            synchronized (s) {
                s.chunksOverlapping(Long.MIN_VALUE, Long.MAX_VALUE, cl, h.chunks);
            }
            int last = cl.size() - 1;
            assertTrue(last >= 2, s.labels + ": at least two full chunks and the open one");
            full[0] += last;
            open[0] += (cl.maxTime(last) - cl.minTime(last)) / 1000 + 1;
        });
        assertEquals(3L * series + 2, full[0]);
        long chunkBytes = h.chunkFileUsage()[1];

        Path copy = crashCopy(live, dir.resolve("copy"));
        Head c = Head.open(copy.resolve("wal"), o, ALWAYS, Long.MIN_VALUE);
        HeadRestore r = c.restore();
        assertTrue(r.fromSnapshot(), r.toString());
        assertEquals(full[0], r.mmappedChunks(), "the snapshot's chunks and those cut after it");
        assertEquals(open[0], r.walSamples(), "only the samples of the open chunk are applied again");
        assertEquals(expected, selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(chunkBytes, c.chunkFileUsage()[1], "no chunk was cut and written again");
        // and the series go on as if never stopped: the open chunk is cut where the live head cuts it
        HeadAppender ca = c.appender();
        for (Head x : new Head[]{h, c}) {
            HeadAppender xa = x == h ? a : ca;
            for (int k = 400; k < 500; k++) {
                for (int i = 0; i < series; i++) {
                    assertEquals(AppendResult.OK, xa.append(series("later", "i", Integer.toString(i)), k * 1000L, -k));
                }
                xa.commit();
            }
        }
        assertEquals(selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE)), selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        c.close();
        h.close();
    }

    /** A damaged snapshot: the start says so at WARNING, deletes it, and replays the whole WAL. */
    @Test
    void corruptSnapshot_warningLogged_snapshotDeleted_wholeWalReplayed() throws Exception {
        Path walDir = dir.resolve("wal");
        Head h = Head.open(walDir, HeadOptions.defaults(), ALWAYS, Long.MIN_VALUE);
        HeadAppender a = h.appender();
        for (int k = 0; k < 200; k++) {
            for (int i = 0; i < 30; i++) {
                a.append(series("corrupt", "i", Integer.toString(i)), k * 1000L, k * i);
            }
            a.commit();
        }
        Path snap = h.snapshot();
        for (int i = 0; i < 30; i++) {
            a.append(series("corrupt", "i", Integer.toString(i)), 200_000L, -i);
        }
        a.commit();
        List<Samples> expected = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        h.snapshotOnClose(false);
        h.close();
        try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = Files.size(snap) / 3;
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            ch.write(b, at);
        }

        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord rec) {
                if (rec.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(rec);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger(Head.class.getName());
        jul.addHandler(capture);
        Head r;
        try {
            r = Head.open(walDir, HeadOptions.defaults(), ALWAYS, Long.MIN_VALUE);
        } finally {
            jul.removeHandler(capture);
        }
        assertFalse(r.restore().fromSnapshot());
        assertTrue(r.restore().snapshotFailure().contains("checksum"), r.restore().snapshotFailure());
        assertEquals(1, warnings.size(), "one warning for the damaged snapshot");
        String msg = java.text.MessageFormat.format(warnings.get(0).getMessage(), warnings.get(0).getParameters());
        assertTrue(msg.contains(snap.getFileName().toString()) && msg.contains("replaying the whole WAL"), msg);
        assertFalse(Files.exists(snap), "the damaged snapshot is deleted");
        assertEquals(expected, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        r.close();
    }
}
