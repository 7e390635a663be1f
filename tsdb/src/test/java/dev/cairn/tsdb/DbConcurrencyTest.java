package dev.cairn.tsdb;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.head.AppendResult;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.wal.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Appenders, readers and block cuts at once, for a bounded time: whatever was committed is stored
 * exactly once across blocks and head, readers never see a series out of order or a timestamp
 * twice, and a reopen gives back the same samples.
 */
class DbConcurrencyTest {
    private static final long RANGE = 120_000L;
    private static final long STEP = 1_000L;
    /**
     * Writers stop at 60 block ranges: unbounded, they ran 650+ ranges ahead on a fast machine and
     * the block cutter needed longer than the test's wait to catch up after the stop on a loaded one.
     */
    private static final long LIMIT = 60 * RANGE;

    @TempDir
    Path dir;

    @Test
    void appendQueryCompact_concurrently_committedSamplesStoredOnce() throws Exception {
        DbOptions o = DbOptions.defaults().withBlockRange(RANGE).withSyncPolicy(SyncPolicy.NONE)
                .withCompactionInterval(Duration.ZERO);
        AtomicLong clock = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Set<String> appended = ConcurrentHashMap.newKeySet();
        List<String> readerErrors = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<Long> stored;
        try (Db db = Db.open(dir, o)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                fs.add(pool.submit(() -> {
                    HeadAppender app = db.appender();
                    Labels[] ls = new Labels[20];
                    for (int i = 0; i < ls.length; i++) {
                        ls[i] = Labels.of("__name__", "c", "w", Integer.toString(writer), "i", Integer.toString(i));
                    }
                    while (!stop.get()) {
                        long t = clock.incrementAndGet() * STEP;
                        if (t > LIMIT) {
                            break;
                        }
                        for (int i = 0; i < ls.length; i++) {
                            if (app.append(ls[i], t, t) == AppendResult.OK) {
                                appended.add(ls[i] + "@" + t);
                            }
                        }
                        committed.addAndGet(app.commit());
                    }
                    return null;
                }));
            }
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    db.compact();
                    Thread.sleep(5);
                }
                return null;
            }));
            fs.add(pool.submit(() -> {
                while (!stop.get()) {
                    try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                        String err = checkOrdered(q.select(List.of(Matcher.equal("__name__", "c"))));
                        if (err != null) {
                            synchronized (readerErrors) {
                                readerErrors.add(err);
                            }
                        }
                    }
                }
                return null;
            }));
            Thread.sleep(3_000);
            stop.set(true);
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(readerErrors.isEmpty(), readerErrors.toString());
            assertTrue(db.blocks().size() >= 2, "blocks were cut during the run: " + db.blocks().size());
            stored = countEach(db, appended);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(committed.get(), stored.get(0), "each committed sample stored once (no loss, no duplicate)");
        assertEquals(0, stored.get(1), "no duplicate, wrong or never-appended sample");
        try (Db db = Db.open(dir, o)) {
            assertEquals(stored, countEach(db, appended), "a reopen gives the same samples");
        }
    }

    /** [samples stored in blocks and head, counted separately], [samples stored twice, with a wrong value, or never appended]. */
    private static List<Long> countEach(Db db, Set<String> appended) {
        List<Querier> parts = new ArrayList<>();
        db.blocks().forEach(b -> parts.add(b.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        parts.add(db.head().querier(Long.MIN_VALUE, Long.MAX_VALUE));
        long n = 0;
        long bad = 0;
        Set<String> seen = new HashSet<>();
        for (Querier q : parts) {
            SeriesSet set = q.select(List.of(Matcher.equal("__name__", "c")));
            while (set.next()) {
                ChunkIterator it = set.at().iterator(null);
                while (it.next()) {
                    n++;
                    String key = set.at().labels() + "@" + it.atT();
                    if (it.atV() != it.atT() || !seen.add(key) || !appended.contains(key)) {
                        bad++;
                    }
                }
            }
        }
        return List.of(n, bad);
    }

    private static String checkOrdered(SeriesSet set) {
        Labels prev = null;
        while (set.next()) {
            Labels l = set.at().labels();
            if (prev != null && prev.compareTo(l) >= 0) {
                return "series " + l + " after " + prev;
            }
            prev = l;
            ChunkIterator it = set.at().iterator(null);
            long last = Long.MIN_VALUE;
            while (it.next()) {
                if (it.atT() <= last) {
                    return l + ": " + it.atT() + " after " + last;
                }
                last = it.atT();
            }
        }
        return null;
    }
}
