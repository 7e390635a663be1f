package dev.cairn.tsdb;

import dev.cairn.tsdb.head.AppendResult;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.head.HeadBlockWriter;
import dev.cairn.tsdb.head.Head;
import dev.cairn.tsdb.head.HeadOptions;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.testing.PromDump;
import dev.cairn.tsdb.testing.Promtool;
import dev.cairn.tsdb.testing.RandomSeries;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.wal.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbTest {
    private static final long RANGE = 3_600_000L; // 1h blocks keep the data small

    @TempDir
    Path dir;

    private DbOptions options() {
        return DbOptions.defaults().withBlockRange(RANGE).withSyncPolicy(SyncPolicy.NONE)
                .withCompactionInterval(Duration.ZERO);
    }

    /** Appends in global time order (so nothing leaves the head's window), compacting as it goes. */
    private static void ingest(Db db, List<Samples> series) throws IOException {
        PriorityQueue<int[]> q = new PriorityQueue<>((a, b) -> {
            int c = Long.compare(series.get(a[0]).t(a[1]), series.get(b[0]).t(b[1]));
            return c != 0 ? c : Integer.compare(a[0], b[0]);
        });
        for (int i = 0; i < series.size(); i++) {
            q.add(new int[]{i, 0});
        }
        HeadAppender app = db.appender();
        int n = 0;
        while (!q.isEmpty()) {
            int[] e = q.poll();
            Samples s = series.get(e[0]);
            assertEquals(AppendResult.OK, app.append(s.labels(), s.t(e[1]), s.v(e[1])));
            if (++n % 200 == 0) {
                app.commit();
                db.compact();
            }
            if (e[1] + 1 < s.size()) {
                q.add(new int[]{e[0], e[1] + 1});
            }
        }
        app.commit();
    }

    /** Regular series over ~4.5 block ranges: 15 s scrapes, a stale marker, a gap. */
    private static List<Samples> regularSeries(int n, long start, int samples) {
        List<Samples> out = new ArrayList<>();
        Random r = new Random(n);
        for (int i = 0; i < n; i++) {
            Labels l = Labels.of("__name__", "metric_" + (i % 3), "instance", "host-" + i + ":9100", "job", "node");
            Samples s = new Samples(l);
            double v = r.nextInt(100);
            for (int k = 0; k < samples; k++) {
                if (k % 97 == 50) {
                    continue; // a missed scrape
                }
                v += r.nextInt(10);
                s.add(start + k * 15_000L + i, k == samples - 3 ? Samples.STALE_NAN : v);
            }
            out.add(s);
        }
        out.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        return out;
    }

    private static List<Samples> selectAll(Db db) {
        return Samples.drain(db.querier(Long.MIN_VALUE, Long.MAX_VALUE).select(List.of(Matcher.regex("__name__", ".+"))));
    }

    @Test
    void compact_headOverOneAndAHalfRanges_cutsBlocksAndQueriesMerged() throws IOException {
        List<Samples> in = regularSeries(30, 1_700_000_000_000L, 1100); // 4.6 h
        try (Db db = Db.open(dir, options())) {
            ingest(db, in);
            db.compact();
            // data from 0.22 h to 4.8 h into a range: blocks for ranges 0..3, the head keeps range 4
            assertEquals(4, db.blocks().size());
            assertEquals(in.stream().mapToLong(s -> s.t(0)).min().orElseThrow(), db.blocks().get(0).meta().minTime());
            for (int i = 0; i < db.blocks().size(); i++) {
                var b = db.blocks().get(i);
                assertEquals(0, b.meta().maxTime() % RANGE, "blocks end on range multiples");
                if (i > 0) {
                    assertEquals(db.blocks().get(i - 1).meta().maxTime(), b.meta().minTime());
                }
                b.verify();
            }
            assertTrue(db.head().maxTime() - db.head().minTime() <= RANGE * 3 / 2);
            assertEquals(in, selectAll(db));
            // a window across a block boundary and the head
            long mint = db.blocks().get(3).meta().maxTime() - 600_000;
            long maxt = mint + 1_200_000;
            List<Samples> expected = new ArrayList<>();
            for (Samples s : in) {
                expected.add(s.clip(mint, maxt));
            }
            assertEquals(expected, Samples.drain(db.querier(mint, maxt).select(List.of(Matcher.regex("__name__", ".+")))));
        }
    }

    @Test
    void retention_blocksEndingBeyondIt_areDeletedFromListAndDisk() throws IOException {
        List<Samples> in = regularSeries(10, 1_700_000_000_000L, 1100); // 4.6 h: blocks for 4 ranges
        DbOptions o = options().withRetention(Duration.ofMillis(2 * RANGE));
        Path first;
        try (Db db = Db.open(dir, options())) {
            ingest(db, in);
            db.compact();
            assertEquals(4, db.blocks().size());
            first = db.blocks().get(0).dir();
        }
        // a deletion cut short by a crash leaves a renamed directory: removed on open, never opened
        Path leftover = dir.resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp-for-deletion");
        Files.createDirectories(leftover.resolve("chunks"));
        try (Db db = Db.open(dir, o)) {
            // the newest block ends at range 4; only range 0 ends more than 2 ranges before (range 1 ends exactly 2 before)
            long newest = db.blocks().get(db.blocks().size() - 1).meta().maxTime();
            assertEquals(3, db.blocks().size(), db.blocks().toString());
            for (var b : db.blocks()) {
                assertTrue(newest - b.meta().maxTime() <= 2 * RANGE);
            }
            assertTrue(Files.notExists(first), first + " deleted");
            assertTrue(Files.notExists(leftover));
            long cut = db.blocks().get(0).meta().minTime();
            List<Samples> expected = new ArrayList<>();
            for (Samples s : in) {
                expected.add(s.clip(cut, Long.MAX_VALUE));
            }
            assertEquals(expected, selectAll(db), "only data from the kept blocks and the head");
            assertEquals(0, db.applyRetention(), "nothing more to delete");
        }
    }

    @Test
    void reopen_blocksAndWal_sameDataNoDuplicates() throws IOException {
        List<Samples> in = regularSeries(20, 1_700_000_000_000L, 800);
        try (Db db = Db.open(dir, options())) {
            ingest(db, in);
        }
        try (Db db = Db.open(dir, options())) {
            assertTrue(db.blocks().size() >= 2);
            assertEquals(in, selectAll(db));
            // appends continue where the head left off; older than the last block is out of bounds
            HeadAppender app = db.appender();
            assertEquals(AppendResult.OUT_OF_BOUNDS,
                    app.append(in.get(0).labels(), db.blocks().get(0).meta().minTime(), 1));
            app.rollback();
        }
    }

    @Test
    void promtoolDump_dbWithBlocksAndWal_readsWhatWeWrote() throws IOException {
        List<Samples> in = regularSeries(25, 1_700_000_000_000L, 900);
        try (Db db = Db.open(dir, options())) {
            ingest(db, in);
            assertTrue(db.blocks().size() >= 2);
        }
        // promtool reads the blocks and replays our WAL into its own head
        PromDump.assertSameDump(PromDump.render(in), Promtool.dump(dir));
    }

    @Test
    void promtoolDump_headPersistedAsBlock_matchesOurRendering() throws IOException {
        List<Samples> in = RandomSeries.generate(new Random(5),
                new RandomSeries.Spec(40, 400, 1_700_000_000_000L, false, true, true));
        Head head = Head.inMemory(HeadOptions.defaults());
        PriorityQueue<long[]> q = new PriorityQueue<>((a, b) -> Long.compare(in.get((int) a[0]).t((int) a[1]),
                in.get((int) b[0]).t((int) b[1])));
        for (int i = 0; i < in.size(); i++) {
            q.add(new long[]{i, 0});
        }
        HeadAppender app = head.appender();
        while (!q.isEmpty()) {
            long[] e = q.poll();
            Samples s = in.get((int) e[0]);
            assertEquals(AppendResult.OK, app.append(s.labels(), s.t((int) e[1]), s.v((int) e[1])));
            if (e[1] + 1 < s.size()) {
                q.add(new long[]{e[0], e[1] + 1});
            }
        }
        app.commit();
        Path db = dir.resolve("db");
        Files.createDirectories(db.resolve("wal"));
        long mint = head.minTime();
        long maxt = head.maxTime() + 1;
        assertNotNull(HeadBlockWriter.write(head, db, mint, maxt));
        // our rendering of what the head holds, and promtool's reading of the block
        List<Samples> fromHead = Samples.drain(head.querier(mint, maxt).select(List.of(Matcher.regex("__name__", ".+"))));
        fromHead.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        assertEquals(in, fromHead);
        PromDump.assertSameDump(PromDump.render(fromHead), Promtool.dump(db));
    }
}
