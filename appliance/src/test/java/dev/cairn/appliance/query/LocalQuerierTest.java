package dev.cairn.appliance.query;

import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver's blocks read one by one: a damaged block is left out with a warning, the rest answers. */
class LocalQuerierTest {
    private static final long H = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path tmp;

    @Test
    void select_blockWithABadChunk_isLeftOutWithAWarningNamingIt_andHeadAndOtherBlocksAnswer() throws IOException {
        try (Db db = Db.open(tmp, DbOptions.defaults().withCompactionInterval(Duration.ZERO))) {
            HeadAppender app = db.appender();
            for (long t = T0; t < T0 + 8 * H; t += 15_000) {
                app.append(Labels.of("__name__", "up", "job", "a"), t, 1);
                app.append(Labels.of("__name__", "up", "job", "b"), t, 2);
            }
            app.commit();
            assertTrue(db.compact() >= 2, "blocks cut");
            List<Block> blocks = db.blocks();
            Block bad = blocks.get(0);
            long total = count(db.querier(T0, T0 + 8 * H));
            long inBad = count(bad.querier(T0, T0 + 8 * H));
            assertEquals(2 * 8 * 240, total);
            // one byte in the middle of the chunk data: the CRC32C of the chunk holding it no longer matches
            flip(bad.dir().resolve("chunks/000001"), 8 + 60);

            Warnings w = new Warnings();
            QueryMetrics metrics = new QueryMetrics();
            try (Querier q = new LocalQuerier(db, T0, T0 + 8 * H, new DamagedBlocks("local", w::add, metrics))) {
                assertEquals(total - inBad, count(q));
                assertEquals(List.of("a", "b"), q.labelValues("job", List.of()));
            }
            assertEquals(1, w.list().size(), w.list().toString());
            String warning = w.list().get(0);
            assertTrue(warning.startsWith("local block " + bad.meta().ulid() + " is damaged and left out of this answer: ")
                    && warning.contains("checksum"), warning);
            assertEquals(1, metrics.corruptBlockReads("local"));
            // a query outside the damaged block reads nothing of it and warns of nothing
            Warnings none = new Warnings();
            try (Querier q = new LocalQuerier(db, bad.meta().maxTime() + 1, T0 + 8 * H,
                    new DamagedBlocks("local", none::add, metrics))) {
                assertTrue(count(q) > 0);
            }
            assertTrue(none.isEmpty(), none.list().toString());
        }
    }

    @Test
    void select_aBlockCutAfterTheQuerierWasMade_losesNoSample() throws IOException {
        try (Db db = Db.open(tmp, DbOptions.defaults().withCompactionInterval(Duration.ZERO))) {
            HeadAppender app = db.appender();
            for (long t = T0; t < T0 + 4 * H; t += 15_000) {
                app.append(Labels.of("__name__", "up", "job", "a"), t, 1);
            }
            app.commit();
            assertEquals(0, db.blocks().size());
            try (Querier q = new LocalQuerier(db, T0, T0 + 4 * H, new DamagedBlocks("local", w -> {
                throw new AssertionError(w);
            }, new QueryMetrics()))) {
                // the compactor cuts a block and truncates the head between the querier's creation and its read
                assertTrue(db.compact() >= 1, "a block was cut");
                assertEquals(4 * 240, count(q), "every sample, from the new block or the head, once");
            }
        }
    }

    @Test
    void join_consecutiveAndOverlappingBuffers_giveOneTimeOrderedSeriesWithEachTimestampOnce() {
        Labels l = Labels.of("__name__", "up");
        BufferedSeries a = new BufferedSeries(l, new long[] {1, 2, 3}, new double[] {1, 2, 3}, 3);
        BufferedSeries after = new BufferedSeries(l, new long[] {4, 5, 0}, new double[] {4, 5, 0}, 2);
        BufferedSeries overlapping = new BufferedSeries(l, new long[] {0, 2, 4}, new double[] {10, 20, 40}, 3);
        assertEquals("1=1.0 2=2.0 3=3.0 4=4.0 5=5.0", samples(BufferedSeries.join(a, after)));
        assertEquals("0=10.0 1=1.0 2=2.0 3=3.0 4=40.0", samples(BufferedSeries.join(a, overlapping)));
        assertEquals("1=1.0 2=2.0 3=3.0", samples(BufferedSeries.join(a, new BufferedSeries(l, new long[0], new double[0], 0))));
    }

    private static String samples(BufferedSeries s) {
        StringBuilder sb = new StringBuilder();
        var it = s.iterator(null);
        while (it.next()) {
            sb.append(sb.length() == 0 ? "" : " ").append(it.atT()).append('=').append(it.atV());
        }
        return sb.toString();
    }

    private static long count(Querier q) {
        long n = 0;
        try (q) {
            SeriesSet s = q.select(List.of(Matcher.equal("__name__", "up")));
            while (s.next()) {
                var it = s.at().iterator(null);
                while (it.next()) {
                    n++;
                }
            }
        }
        return n;
    }

    static void flip(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }
}
