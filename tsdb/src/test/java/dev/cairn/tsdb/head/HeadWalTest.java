package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.wal.Segments;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.cairn.tsdb.head.HeadTestSupport.appendInTimeOrder;
import static dev.cairn.tsdb.head.HeadTestSupport.clipAll;
import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static dev.cairn.tsdb.head.HeadTestSupport.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadWalTest {
    @TempDir
    Path dir;

    private final WalOptions walOptions = WalOptions.defaults().withSyncPolicy(SyncPolicy.NONE);

    private Head open(HeadOptions o, long minValid) throws IOException {
        return Head.open(dir.resolve("wal"), o, walOptions, minValid);
    }

    @Test
    void reopen_afterClose_replaysSameData() throws IOException {
        List<Samples> in = RandomSeries.generate(new Random(3), RandomSeries.Spec.of(50, 500, 1_600_000_000_000L));
        Head h = open(HeadOptions.defaults(), Long.MIN_VALUE);
        appendInTimeOrder(h, in, 64);
        HeadAppender app = h.appender();
        app.append(series("rolled_back"), h.maxTime(), 1);
        app.rollback();
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        h.close();

        Head r = open(HeadOptions.defaults(), Long.MIN_VALUE);
        assertEquals(clipAll(in, Long.MIN_VALUE, Long.MAX_VALUE), before);
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(h.numSeries(), r.numSeries(), "the rolled-back series is logged and comes back too");
        assertEquals(h.minTime(), r.minTime());
        assertEquals(h.maxTime(), r.maxTime());
        // new series after a replay get ids above every logged one
        HeadAppender a2 = r.appender();
        a2.append(series("after_replay"), r.maxTime() + 1, 5);
        a2.commit();
        assertTrue(r.series.get(series("after_replay")).id > r.series.get(series("rolled_back")).id);
        r.close();
        Head r2 = open(HeadOptions.defaults(), Long.MIN_VALUE);
        assertEquals(selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)),
                selectAll(r2.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        r2.close();
    }

    @Test
    void reopen_tornTail_keepsEveryCommitBeforeIt() throws IOException {
        Labels l = series("m", "job", "a");
        Head h = open(HeadOptions.defaults(), Long.MIN_VALUE);
        HeadAppender app = h.appender();
        for (int i = 0; i < 10; i++) {
            app.append(l, i * 1000L, i);
        }
        app.commit();
        Path seg = Segments.path(dir.resolve("wal"), h.wal().segmentIndex());
        long goodSize = Files.size(seg);
        for (int i = 10; i < 20; i++) {
            app.append(l, i * 1000L, i);
        }
        app.commit();
        // a crash mid-write: the second commit's record is cut short (no close, no padding)
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(goodSize + (Files.size(seg) - goodSize) / 2);
        }
        Head r = open(HeadOptions.defaults(), Long.MIN_VALUE);
        Samples s = selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)).get(0);
        assertEquals(10, s.size());
        assertEquals(9000, s.t(9));
        // and appending goes on after the cut
        HeadAppender a2 = r.appender();
        assertEquals(AppendResult.OK, a2.append(l, 10_000, 10));
        a2.commit();
        r.close();
        Head r2 = open(HeadOptions.defaults(), Long.MIN_VALUE);
        assertEquals(11, selectAll(r2.querier(Long.MIN_VALUE, Long.MAX_VALUE)).get(0).size());
        r2.close();
        h.wal().close();
    }

    @Test
    void truncate_checkpointsAndDeletesSegments_replayMatches() throws IOException {
        long range = 60_000;
        HeadOptions o = HeadOptions.defaults().withChunkRange(range);
        WalOptions small = walOptions.withSegmentSize(32 * 1024);
        Path walDir = dir.resolve("wal");
        Head h = Head.open(walDir, o, small, Long.MIN_VALUE);
        Labels[] ls = new Labels[40];
        for (int i = 0; i < ls.length; i++) {
            ls[i] = series("m", "i", Integer.toString(i));
        }
        HeadAppender app = h.appender();
        long t = 0;
        long truncatedTo = Long.MIN_VALUE;
        for (int step = 0; step < 2_000; step++) {
            t = step * 250L;
            for (int i = 0; i < ls.length; i++) {
                if (i < 20 || step < 600) { // half the series stop early and must disappear
                    assertEquals(AppendResult.OK, app.append(ls[i], t, step * 0.5 + i));
                }
            }
            app.commit();
            if (h.compactable()) {
                long mint = h.minTime();
                long maxt = MemSeries.rangeForTimestamp(mint, range);
                h.truncate(maxt);
                truncatedTo = maxt;
            }
        }
        assertTrue(truncatedTo > 300_000, "truncated several times");
        assertTrue(h.numSeries() == 20, "series without samples after the truncation are gone: " + h.numSeries());
        try (Stream<Path> files = Files.list(walDir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("checkpoint.")), names.toString());
            assertFalse(names.contains("00000000"), "the oldest segments were deleted: " + names);
        }
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(truncatedTo, before.stream().mapToLong(s -> s.t(0)).min().orElseThrow(),
                "nothing before the truncation time is left");
        h.close();
        Head r = Head.open(walDir, o, small, truncatedTo);
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(20, r.numSeries());
        r.close();
    }
}
