package dev.cairn.tsdb;

import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Db's snapshot thread: writes head snapshots while appends go on, none while idle, none with interval 0. */
class DbPeriodicSnapshotTest {
    @TempDir
    Path dir;

    private List<String> snapshots() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("head_snapshot\\.\\d{8}")).sorted().toList();
        }
    }

    private static void commit(Db db, long t) throws Exception {
        HeadAppender a = db.appender();
        for (int i = 0; i < 10; i++) {
            a.append(Labels.of("__name__", "periodic", "i", Integer.toString(i)), t, t);
        }
        a.commit();
    }

    private String awaitNewSnapshot(String after) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> s = snapshots();
            if (!s.isEmpty() && (after == null || s.get(s.size() - 1).compareTo(after) > 0)) {
                return s.get(s.size() - 1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no head snapshot after " + after + " within 20 s: " + snapshots());
    }

    @Test
    void appending_snapshotsWrittenPeriodically_idleWritesNone() throws Exception {
        DbOptions o = DbOptions.defaults().withCompactionInterval(Duration.ZERO).withSnapshotInterval(Duration.ofMillis(50));
        try (Db db = Db.open(dir, o)) {
            commit(db, 1000);
            String first = awaitNewSnapshot(null);
            commit(db, 2000);
            String second = awaitNewSnapshot(first);
            assertEquals(List.of(second), snapshots(), "older snapshots are deleted");
            // nothing appended: no new snapshot (each would also start a WAL segment)
            Thread.sleep(400);
            assertEquals(List.of(second), snapshots());
            db.head().snapshotOnClose(false);
        }
        try (Db db = Db.open(dir, o.withSnapshotInterval(Duration.ZERO))) {
            assertTrue(db.head().restore().fromSnapshot(), db.head().restore().toString());
            assertEquals(10, db.head().numSeries());
            assertEquals(2000, db.head().maxTime());
        }
    }

    @Test
    void intervalZero_noSnapshotUntilClose() throws Exception {
        DbOptions o = DbOptions.defaults().withCompactionInterval(Duration.ZERO).withSnapshotInterval(Duration.ZERO);
        try (Db db = Db.open(dir, o)) {
            commit(db, 1000);
            Thread.sleep(300);
            assertEquals(List.of(), snapshots());
        }
        assertEquals(1, snapshots().size(), "clean close still writes one");
        assertThrows(IllegalArgumentException.class, () -> o.withSnapshotInterval(Duration.ofSeconds(-1)));
    }
}
