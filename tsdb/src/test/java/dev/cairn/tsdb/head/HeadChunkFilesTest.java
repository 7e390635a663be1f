package dev.cairn.tsdb.head;

import dev.cairn.tsdb.chunk.XorIterator;
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
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static dev.cairn.tsdb.head.HeadTestSupport.appendInTimeOrder;
import static dev.cairn.tsdb.head.HeadTestSupport.selectAll;
import static dev.cairn.tsdb.head.HeadTestSupport.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full head chunks in {@code chunks_head/}: the bytes follow Prometheus's head-chunk format (parsed
 * here independently of {@link HeadChunkFiles}), a restart after a crash takes them instead of
 * re-encoding their samples and ends up with exactly the same head, a damaged file is cut back and
 * the WAL fills in, and truncation deletes files whose chunks are all gone.
 */
class HeadChunkFilesTest {
    @TempDir
    Path dir;

    private final WalOptions walOptions = WalOptions.defaults().withSyncPolicy(SyncPolicy.NONE);

    private Head open(HeadOptions o) throws IOException {
        return Head.open(dir.resolve("wal"), o, walOptions, Long.MIN_VALUE);
    }

    private static List<Samples> data(long seed, int series, long start) {
        // > 120 samples per series, so every series has full chunks and an open one
        return RandomSeries.generate(new Random(seed), RandomSeries.Spec.of(series, 500, start));
    }

    /** One chunk as read straight from a file. */
    private record FileChunk(long seriesRef, long mint, long maxt, int encoding, byte[] data) {
    }

    /** Parses a head chunk file from the format description alone. */
    private static List<FileChunk> parse(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertEquals(0x0130BC91, b.getInt(), "magic of " + file);
        assertEquals(1, b.get(), "version");
        assertEquals(0, b.get() | b.get() | b.get(), "padding");
        List<FileChunk> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int start = b.position();
            long ref = b.getLong();
            long mint = b.getLong();
            long maxt = b.getLong();
            int enc = b.get();
            long len = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b.get() & 0xFF;
                len |= (long) (x & 0x7F) << shift;
                if (x < 0x80) {
                    break;
                }
            }
            byte[] data = new byte[(int) len];
            b.get(data);
            CRC32C crc = new CRC32C();
            crc.update(b.array(), start, b.position() - start);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC32C of the chunk at " + start + " in " + file);
            out.add(new FileChunk(ref, mint, maxt, enc, data));
        }
        return out;
    }

    private List<Path> chunkFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("chunks_head"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void fullChunks_writtenInPrometheusFormat_withSeriesRefTimesAndXorData() throws IOException {
        Head h = open(HeadOptions.defaults());
        appendInTimeOrder(h, data(1, 40, 1_600_000_000_000L), 100);
        // every full chunk of every series, as the head reads it
        List<String> expected = new ArrayList<>();
        h.series.forEachById(s -> {
            ChunkList cl = new ChunkList();
            synchronized (s) {
                s.chunksOverlapping(Long.MIN_VALUE, Long.MAX_VALUE, cl, h.chunks);
                for (int i = 0; i < s.closedCount(); i++) {
                    expected.add(s.id + " " + cl.minTime(i) + " " + cl.maxTime(i) + " " + java.util.Arrays.toString(cl.chunk(i)));
                }
            }
        });
        h.snapshotOnClose(false);
        h.close();
        List<Path> files = chunkFiles();
        assertEquals(List.of("000001"), files.stream().map(p -> p.getFileName().toString()).toList());
        List<String> found = new ArrayList<>();
        for (FileChunk c : parse(files.get(0))) {
            assertEquals(1, c.encoding(), "XOR");
            XorIterator it = new XorIterator();
            it.reset(c.data(), 0, c.data().length);
            long first = Long.MIN_VALUE;
            long last = Long.MIN_VALUE;
            while (it.next()) {
                first = first == Long.MIN_VALUE ? it.atT() : first;
                last = it.atT();
            }
            assertEquals(c.mint(), first, "chunk mint is its first sample's time");
            assertEquals(c.maxt(), last, "chunk maxt is its last sample's time");
            found.add(c.seriesRef() + " " + c.mint() + " " + c.maxt() + " " + java.util.Arrays.toString(c.data()));
        }
        found.sort(null);
        expected.sort(null);
        assertTrue(expected.size() >= 40, "every series cut at least one chunk: " + expected.size());
        assertEquals(expected, found);
    }

    @Test
    void reopen_afterCrash_takesChunksFromDisk_sameSamplesAndChunks() throws IOException {
        List<Samples> in = data(2, 200, 1_600_000_000_000L);
        Head h = open(HeadOptions.defaults().withChunkWriteBuffer(0));
        appendInTimeOrder(h, in, 100);
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        List<String> bounds = chunkBounds(h);
        long full = h.stats().chunksCreated() - h.numSeries();
        // the "crash": no snapshot, and the WAL is left as it is (no close)
        Head r = open(HeadOptions.defaults());
        HeadRestore restore = r.restore();
        assertFalse(restore.fromSnapshot());
        assertEquals(full, restore.mmappedChunks(), "every full chunk came from chunks_head: " + restore);
        assertTrue(restore.walSamples() < in.stream().mapToLong(Samples::size).sum() / 2,
                "most samples were skipped as already in mmapped chunks: " + restore);
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(bounds, chunkBounds(r));
        assertEquals(h.minTime(), r.minTime());
        assertEquals(h.maxTime(), r.maxTime());

        // appending goes on exactly as in a head that never stopped, duplicates included
        Head never = Head.inMemory(HeadOptions.defaults());
        appendInTimeOrder(never, in, 100);
        long t0 = h.maxTime() + 1;
        for (Head x : new Head[]{never, r}) {
            HeadAppender a = x.appender();
            for (Samples s : in) {
                // the newest sample again: same value is accepted silently, another value is a duplicate
                if (s.t(s.size() - 1) >= x.appendableMinValidTime() && !Double.isNaN(s.v(s.size() - 1))) {
                    assertEquals(AppendResult.OK, a.append(s.labels(), s.t(s.size() - 1), s.v(s.size() - 1)));
                    assertEquals(AppendResult.DUPLICATE, a.append(s.labels(), s.t(s.size() - 1), s.v(s.size() - 1) + 1));
                }
                for (int k = 0; k < 150; k++) {
                    assertEquals(AppendResult.OK, a.append(s.labels(), t0 + k * 15_000L, k * 0.5));
                }
            }
            a.commit();
        }
        assertEquals(selectAll(never.querier(Long.MIN_VALUE, Long.MAX_VALUE)), selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(chunkBounds(never), chunkBounds(r));
        h.wal().close();
        r.close();

        // and a clean restart of that: snapshot plus the chunk references it names
        Head c = open(HeadOptions.defaults());
        assertTrue(c.restore().fromSnapshot(), c.restore().toString());
        assertTrue(c.restore().mmappedChunks() > full, c.restore().toString());
        assertEquals(chunkBounds(r), chunkBounds(c));
        assertEquals(selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)), selectAll(c.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        c.close();
    }

    @Test
    void reopen_corruptChunkInOlderFile_cutsThereDeletesLaterFiles_walFillsIn() throws IOException {
        HeadOptions o = HeadOptions.defaults().withChunkWriteBuffer(0);
        List<Samples> in = data(3, 100, 1_600_000_000_000L);
        Head h = open(o);
        appendInTimeOrder(h, in, 100);
        h.snapshotOnClose(false);
        h.close();
        // a second run writes a second file
        Head h2 = open(o);
        HeadAppender a = h2.appender();
        long t0 = h2.maxTime() + 1;
        for (int k = 0; k < 300; k++) {
            for (Samples s : in) {
                a.append(s.labels(), t0 + k * 10_000L, k);
            }
            a.commit();
        }
        List<Samples> expected = selectAll(h2.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        h2.snapshotOnClose(false);
        h2.close();
        List<Path> files = chunkFiles();
        assertEquals(2, files.size(), files.toString());
        Path first = files.get(0);
        long size = Files.size(first);
        long corruptAt = size / 2;
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, corruptAt);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, corruptAt);
        }

        Head r = open(o);
        HeadRestore restore = r.restore();
        assertNotNull(restore.chunksRepaired(), restore.toString());
        assertTrue(restore.chunksRepaired().contains("000001") && restore.chunksRepaired().contains("deleted 000002"),
                restore.chunksRepaired());
        assertTrue(Files.size(first) <= corruptAt && Files.size(first) > 8, "000001 cut at the damaged chunk");
        assertFalse(Files.exists(files.get(1)), "000002 deleted");
        assertTrue(restore.mmappedChunks() > 0, "the chunks before the damage were kept");
        assertEquals(expected, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)),
                "every sample once: the WAL re-created what was cut off");
        r.close();
    }

    @Test
    void reopen_tornLastChunk_cutQuietlyByTheWalReplay() throws IOException {
        HeadOptions o = HeadOptions.defaults().withChunkWriteBuffer(0);
        List<Samples> in = data(4, 50, 1_600_000_000_000L);
        Head h = open(o);
        appendInTimeOrder(h, in, 100);
        List<Samples> expected = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        h.snapshotOnClose(false);
        h.close();
        Path f = chunkFiles().get(0);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(f) - 7); // a write cut short by the crash
        }
        Head r = open(o);
        assertNotNull(r.restore().chunksRepaired());
        assertEquals(expected, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        r.close();
    }

    @Test
    void truncate_deletesFilesWhoseChunksAreAllBefore() throws IOException {
        long range = 60_000;
        HeadOptions o = HeadOptions.defaults().withChunkRange(range).withChunkWriteBuffer(0);
        Head h = open(o);
        Labels l = series("m");
        HeadAppender a = h.appender();
        for (int k = 0; k < 100; k++) {
            a.append(l, k * 1000L, k);
            a.commit();
        }
        h.truncate(1); // drops nothing, but cuts the live file: chunks after this go to a new one
        for (int k = 100; k < 200; k++) {
            a.append(l, k * 1000L, k);
            a.commit();
        }
        assertEquals(2, chunkFiles().size(), chunkFiles().toString());
        h.truncate(120_000);
        List<Path> left = chunkFiles();
        assertEquals(1, left.size(), "the file of chunks up to 119 s is gone: " + left);
        assertEquals("000002", left.get(0).getFileName().toString());
        List<Samples> before = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(120_000, before.get(0).t(0));
        h.snapshotOnClose(false);
        h.close();
        Head r = Head.open(dir.resolve("wal"), o, walOptions, 120_000);
        assertNull(r.restore().chunksRepaired());
        assertEquals(before, selectAll(r.querier(Long.MIN_VALUE, Long.MAX_VALUE)));
        r.close();
    }

    @Test
    void inMemoryHead_keepsFullChunksOnTheHeap_andReleasesThemOnTruncate() throws IOException {
        Head h = Head.inMemory(HeadOptions.defaults().withChunkRange(60_000));
        Labels l = series("m");
        HeadAppender a = h.appender();
        for (int k = 0; k < 300; k++) {
            a.append(l, k * 1000L, k);
        }
        a.commit();
        assertEquals(300, selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE)).get(0).size());
        h.truncate(180_000);
        Samples left = selectAll(h.querier(Long.MIN_VALUE, Long.MAX_VALUE)).get(0);
        assertEquals(180_000, left.t(0));
        assertEquals(120, left.size());
        assertFalse(Files.exists(dir.resolve("chunks_head")), "an in-memory head writes no files");
    }

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
}
