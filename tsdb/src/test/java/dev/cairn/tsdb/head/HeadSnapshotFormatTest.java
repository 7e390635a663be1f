package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.Samples;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The head snapshot's layouts: version 3 (labels as string table indexes) over several sections,
 * version 2 still loading, and every kind of damage to a version 3 file falling back to the whole
 * WAL with a WARNING.
 */
class HeadSnapshotFormatTest {
    /** More than two sections' worth. */
    private static final int SERIES = 2 * HeadSnapshot.SERIES_PER_SECTION + 1000;
    /** Over one full chunk per series (120 samples), so each has full chunks in chunks_head and an open one. */
    private static final int SAMPLES = 150;

    @TempDir
    Path dir;

    private final WalOptions walOptions = WalOptions.defaults().withSyncPolicy(SyncPolicy.NONE);
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (warnings) {
                    warnings.add(r);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(Head.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(Head.class.getName()).removeHandler(capture);
    }

    private Path walDir() {
        return dir.resolve("wal");
    }

    private Head open() throws IOException {
        return Head.open(walDir(), HeadOptions.defaults(), walOptions, Long.MIN_VALUE);
    }

    private static Labels labels(int i) {
        // shared strings (name, job), a few hundred hosts, and one string per series (the id label)
        return Labels.of("__name__", "metric_" + (i % 37), "job", "node", "instance", "host-" + (i % 300),
                "uid", "u" + i);
    }

    /** Appends the series, scrape by scrape, and returns what a querier reads. */
    private static List<Samples> fill(Head h) throws IOException {
        Labels[] ls = new Labels[SERIES];
        for (int i = 0; i < SERIES; i++) {
            ls[i] = labels(i);
        }
        for (int k = 0; k < SAMPLES; k++) {
            HeadAppender a = h.appender();
            for (int i = 0; i < SERIES; i++) {
                assertEquals(AppendResult.OK, a.append(ls[i], 1_700_000_000_000L + k * 15_000L, i * 0.5 + k));
            }
            a.commit();
        }
        return selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    private Path onlySnapshot() throws IOException {
        List<HeadSnapshot.Ref> refs = HeadSnapshot.list(walDir());
        assertEquals(1, refs.size(), refs.toString());
        return refs.get(0).file();
    }

    private static int versionOf(Path snap) throws IOException {
        try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, 4);
            return b.get(0);
        }
    }

    @Test
    void version3_manySeries_roundTrip_sharesStrings() throws IOException {
        Head h = open();
        List<Samples> before = fill(h);
        h.close();
        Path snap = onlySnapshot();
        assertEquals(HeadSnapshot.VERSION, versionOf(snap));
        assertEquals(3, HeadSnapshot.VERSION);

        Head r = open();
        HeadRestore restore = r.restore();
        assertTrue(restore.fromSnapshot(), restore.toString());
        assertEquals(SERIES, restore.snapshotSeries());
        assertEquals(0, restore.walRecords());
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(SERIES, r.numSeries());
        assertEquals(h.minTime(), r.minTime());
        assertEquals(h.maxTime(), r.maxTime());
        assertEquals(SERIES, restore.mmappedChunks(), "one full chunk per series, from chunks_head");
        // ids kept (series i got id i + 1); i = 0 and 300 share the host, 0 and 37 the name: one String each
        MemSeries a = r.series.byId(1);
        MemSeries b = r.series.byId(301);
        MemSeries n = r.series.byId(38);
        assertEquals(labels(0), a.labels);
        assertEquals(labels(300), b.labels);
        assertEquals(labels(37), n.labels);
        assertSame(a.labels.get("instance"), b.labels.get("instance"), "one String per distinct label value");
        assertSame(a.labels.get("__name__"), n.labels.get("__name__"));
        // a new series after the restore takes the strings the snapshot loaded
        HeadAppender app = r.appender();
        app.append(Labels.of("__name__", "metric_0", "job", "node"), r.maxTime() + 15_000, 1);
        app.commit();
        MemSeries c = r.series.get(Labels.of("__name__", "metric_0", "job", "node"));
        assertSame(a.labels.get("job"), c.labels.get("job"));
        assertTrue(warnings.isEmpty(), warnings.toString());
        r.close();
    }

    @Test
    void version2Snapshot_stillLoads() throws IOException {
        Head h = open();
        List<Samples> before = fill(h);
        int segment = h.wal().segmentIndex();
        h.snapshotOnClose(false);
        h.close();
        HeadSnapshot.write(h, walDir(), segment, (HeadChunkFiles) h.chunks, HeadSnapshot.VERSION_2);
        assertEquals(2, versionOf(onlySnapshot()));

        Head r = open();
        assertTrue(r.restore().fromSnapshot(), r.restore().toString());
        assertEquals(SERIES, r.restore().snapshotSeries());
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertTrue(warnings.isEmpty(), warnings.toString());
        r.close();
        assertEquals(HeadSnapshot.VERSION, versionOf(onlySnapshot()), "the next close writes the current version");
    }

    /** A damage done to the snapshot file, given its size and string table offset. */
    private interface Damage {
        void apply(FileChannel ch, long size, long stringTable) throws IOException;
    }

    private static Damage flip(java.util.function.LongBinaryOperator at) {
        return (ch, size, table) -> {
            long p = at.applyAsLong(size, table);
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, p);
            b.put(0, (byte) (b.get(0) ^ 0x04)).rewind();
            ch.write(b, p);
        };
    }

    private static Damage cutAt(java.util.function.LongBinaryOperator at) {
        return (ch, size, table) -> ch.truncate(at.applyAsLong(size, table));
    }

    @Test
    void version3_damaged_fallsBackToWholeWalWithWarning() throws IOException {
        Head h = open();
        List<Samples> before = fill(h);
        h.close();
        Path pristine = dir.resolve("pristine");
        Files.createDirectories(pristine);
        copyTree(dir, pristine);

        Object[][] cases = {
                {"version byte", flip((size, table) -> 4), "version"},
                {"header", flip((size, table) -> 10), "header checksum"},
                {"first section", flip((size, table) -> 100), "checksum"},
                {"last section", flip((size, table) -> table - 3), "checksum"},
                {"string table", flip((size, table) -> table + 12), "string table checksum"},
                {"end record", flip((size, table) -> size - 6), "end checksum"},
                {"cut in the string table", cutAt((size, table) -> table + 20), ""},
                {"cut after the sections", cutAt((size, table) -> table), ""},
                {"cut by one byte", cutAt((size, table) -> size - 1), ""},
                {"cut to the header", cutAt((size, table) -> 37), ""},
        };
        for (Object[] c : cases) {
            String what = (String) c[0];
            Path work = dir.resolve("case");
            deleteTree(work);
            Files.createDirectories(work);
            copyTree(pristine, work);
            Path snap = HeadSnapshot.list(work.resolve("wal")).get(0).file();
            try (FileChannel ch = FileChannel.open(snap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                // the end record: marker, total, string table offset, checksum
                ByteBuffer end = ByteBuffer.allocate(8);
                ch.read(end, size - 12);
                ((Damage) c[1]).apply(ch, size, end.getLong(0));
            }
            warnings.clear();
            Head r = Head.open(work.resolve("wal"), HeadOptions.defaults(), walOptions, Long.MIN_VALUE);
            HeadRestore restore = r.restore();
            assertFalse(restore.fromSnapshot(), what + ": " + restore);
            assertNotNull(restore.snapshotFailure(), what);
            assertTrue(restore.snapshotFailure().contains((String) c[2]), what + ": " + restore.snapshotFailure());
            assertTrue(restore.walRecords() > SAMPLES, what + ": the whole WAL was replayed");
            assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)), what);
            assertTrue(warnings.stream().anyMatch(w -> w.getMessage().contains("replaying the whole WAL")),
                    what + ": a WARNING says the snapshot was not used");
            assertTrue(HeadSnapshot.list(work.resolve("wal")).isEmpty(), what + ": the damaged snapshot was deleted");
            r.snapshotOnClose(false);
            r.close();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path rel = from.relativize(p);
                if (rel.toString().isEmpty() || rel.startsWith("pristine") || rel.startsWith("case")) {
                    continue;
                }
                Path t = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            List<Path> all = s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path q : all) {
                Files.delete(q);
            }
        }
    }
}
