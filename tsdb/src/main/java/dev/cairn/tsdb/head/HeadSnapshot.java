package dev.cairn.tsdb.head;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The head written to one file on clean shutdown, so the next start loads it instead of replaying
 * the whole WAL (Prometheus's {@code chunk_snapshot}, with a layout of our own). The file sits
 * beside the WAL directory as {@code head_snapshot.NNNNNNNN}, NNNNNNNN being the last WAL segment
 * written before it: everything in segments up to it is in the snapshot, so a start loads the
 * snapshot and replays only the segments after it.
 *
 * <h2>Layout</h2>
 * <pre>
 * header:  magic "CHSN" | version 1 (1 byte) | next series id (BE64) | head min time (BE64)
 *          | head max time (BE64) | WAL segment (BE32) | CRC32C of the header so far (BE32)
 * section: length L (BE32, &gt; 0) | CRC32C of the body (BE32) | body: series count (uvarint),
 *          then per series, in increasing id order: id, label count, name/value strings (uvarint
 *          length + UTF-8), max time (varint), last value bits (BE64), next cut time (varint),
 *          open chunk min time (varint), closed chunk count, per closed chunk min time, max time
 *          (varints) and its reference in {@code chunks_head/} (BE64, see {@link HeadChunkFiles}),
 *          then the open chunk (uvarint length, 0 for none, + XOR chunk)
 * end:     length 0 (BE32) | total series (BE64) | CRC32C of the total (BE32)
 * </pre>
 * A section holds {@value #SERIES_PER_SECTION} series, so sections decode in parallel and a bad
 * checksum names a small region.
 *
 * <h2>When it is written</h2>
 * On clean close ({@link Head#close}), and while appending ({@link Head#snapshot}, which
 * {@code Db} calls every {@code DbOptions.snapshotInterval()}): then the WAL starts a new segment
 * once the commits in flight have applied their samples, and the snapshot is that of the segment
 * before; samples committed while it is written may sit both in it and in the later segments,
 * and the replay drops the repeats as not newer than their series' newest sample. A start after
 * SIGKILL thus replays only the WAL written since the last snapshot, and of that only the samples
 * not in full chunks cut since: a loaded series also takes the chunks {@code chunks_head/} holds
 * for it after the last one the snapshot names (its open chunk, grown and cut, first), as a WAL
 * replay does for the series it creates.
 *
 * <h2>Crash order and staleness</h2>
 * Written to {@code .tmp}, the full chunks it names flushed and synced in {@code chunks_head/},
 * then fsynced, renamed, directory fsynced; older snapshots are deleted after the rename (a kill
 * before the rename leaves a {@code .tmp}, deleted at the next start, and the previous snapshot). A snapshot is only an accelerator: the WAL still holds everything, so a snapshot that
 * is damaged, or whose following segments were already checkpointed away, is reported and the start
 * falls back to a full WAL replay. So does a snapshot naming a completed chunk that
 * {@code chunks_head/} no longer holds for its series (cut off by a repair). {@link Head#truncate}
 * deletes snapshots before it checkpoints, as the data they hold is then partly gone from the head.
 */
final class HeadSnapshot {
    static final String PREFIX = "head_snapshot.";
    private static final Pattern NAME = Pattern.compile("head_snapshot\\.(\\d{8})");
    private static final int MAGIC = 0x4348534E; // "CHSN"
    /** 2: completed chunks as references into {@code chunks_head/} (1 held their bytes). */
    private static final int VERSION = 2;
    static final int SERIES_PER_SECTION = 4096;
    private static final int HEADER_SIZE = 4 + 1 + 8 + 8 + 8 + 4 + 4;

    /** A snapshot on disk. */
    record Ref(Path file, int walSegment) {
    }

    /** What a load restored; {@code nextId}, times as stored. */
    record Loaded(long series, int walSegment) {
    }

    private HeadSnapshot() {
    }

    static Path path(Path walDir, int segment) {
        return walDir.resolveSibling(PREFIX + String.format("%08d", segment));
    }

    /** Snapshots beside {@code walDir}, newest (highest segment) last; removes leftover {@code .tmp} files. */
    static List<Ref> list(Path walDir) throws IOException {
        Path parent = walDir.toAbsolutePath().getParent();
        List<Ref> out = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return out;
        }
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(PREFIX) && name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a write cut short by a crash
                    continue;
                }
                Matcher m = NAME.matcher(name);
                if (m.matches()) {
                    out.add(new Ref(p, Integer.parseInt(m.group(1))));
                }
            }
        }
        out.sort((a, b) -> Integer.compare(a.walSegment(), b.walSegment()));
        return out;
    }

    /**
     * Deletes every snapshot beside {@code walDir}, durably (the directory is synced), so a
     * truncation can then delete what they name.
     */
    static void deleteAll(Path walDir) throws IOException {
        boolean any = false;
        for (Ref r : list(walDir)) {
            any |= Files.deleteIfExists(r.file());
        }
        if (any) {
            dev.cairn.tsdb.block.DurableFiles.syncDir(walDir.toAbsolutePath().getParent());
        }
    }

    /**
     * Writes the head as the snapshot for WAL segment {@code walSegment}: tmp, then the full chunks
     * it names are flushed and synced in {@code chunkFiles}, then the snapshot is fsynced, renamed,
     * the directory fsynced, and older snapshots deleted. Every sample the WAL holds up to
     * {@code walSegment} must be in the head when this is called ({@link Head#snapshot} sees to
     * that while appenders run); samples appended meanwhile may or may not be in the snapshot.
     *
     * @return the file written
     */
    static Path write(Head head, Path walDir, int walSegment, HeadChunkFiles chunkFiles) throws IOException {
        Path target = path(walDir, walSegment);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        long[] total = {0};
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteWriter w = new ByteWriter(HEADER_SIZE);
            w.putBE32(MAGIC).putByte(VERSION).putBE64(head.series.nextId()).putBE64(head.minTime())
                    .putBE64(head.maxTime()).putBE32(walSegment);
            w.putBE32(w.crc32c(0));
            writeFully(ch, w);
            ByteWriter section = new ByteWriter(1 << 20);
            ByteWriter body = new ByteWriter(1 << 20);
            int[] inSection = {0};
            IOException[] failure = {null};
            head.series.forEachById(s -> {
                if (failure[0] != null) {
                    return;
                }
                synchronized (s) {
                    s.encode(body);
                }
                total[0]++;
                if (++inSection[0] == SERIES_PER_SECTION) {
                    try {
                        flushSection(ch, section, body, inSection[0]);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                    inSection[0] = 0;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            if (inSection[0] > 0) {
                flushSection(ch, section, body, inSection[0]);
            }
            ByteWriter end = new ByteWriter(16);
            end.putBE32(0).putBE64(total[0]);
            end.putBE32(end.crc32c(4));
            writeFully(ch, end);
            if (chunkFiles != null) {
                // the snapshot names full chunks by their place in the files: on disk before it is
                // (a chunk cut during the scan is in the write buffer until now)
                chunkFiles.flush();
                if (chunkFiles.failed()) {
                    throw new IOException("head chunks could not be written to " + HeadChunkFiles.DIR);
                }
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot write head snapshot " + tmp + ": " + e.getMessage()
                    + "; the next start replays the whole WAL instead", e);
        }
        dev.cairn.tsdb.block.DurableFiles.renameDurably(tmp, target);
        for (Ref r : list(walDir)) {
            if (r.walSegment() < walSegment) {
                Files.deleteIfExists(r.file());
            }
        }
        return target;
    }

    private static void flushSection(FileChannel ch, ByteWriter section, ByteWriter body, int count) throws IOException {
        section.reset();
        section.putBE32(0).putBE32(0).putUvarint(count);
        section.putBytes(body.array(), 0, body.length());
        section.setBE32(0, section.length() - 8);
        section.setBE32(4, section.crc32c(8));
        writeFully(ch, section);
        body.reset();
    }

    private static void writeFully(FileChannel ch, ByteWriter w) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(w.array(), 0, w.length());
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Loads {@code ref} into an empty head: sections are read in order and decoded on
     * {@code threads} threads, then inserted in id order (the postings lists stay sorted by
     * appending). Chunks entirely before the head's min valid time are dropped.
     *
     * @throws CorruptionException if a checksum, a length or an entry does not hold; the head is
     *         then partly filled and must be discarded
     */
    static Loaded load(Head head, Ref ref, int threads) throws IOException {
        String file = ref.file().toString();
        long minValid = head.minValidTime();
        try (FileChannel ch = FileChannel.open(ref.file(), StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer hb = readAt(ch, 0, HEADER_SIZE, file, size);
            ByteReader h = new ByteReader(hb, file, 0);
            if (h.getBE32() != MAGIC) {
                throw new CorruptionException(file, 0, "not a head snapshot (bad magic)");
            }
            int version = h.getByte();
            if (version != VERSION) {
                throw new CorruptionException(file, 4, "head snapshot version " + version + ", this Cairn reads " + VERSION);
            }
            long nextId = h.getBE64();
            long minT = h.getBE64();
            long maxT = h.getBE64();
            int segment = h.getBE32();
            int crc = h.getBE32();
            if (crc != h.crc32c(0, HEADER_SIZE - 4)) {
                throw new CorruptionException(file, 0, "head snapshot header checksum mismatch");
            }
            if (segment != ref.walSegment()) {
                throw new CorruptionException(file, 25, "header names WAL segment " + segment + ", the file name "
                        + ref.walSegment());
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
                Thread t = new Thread(r, "cairn-head-snapshot-load");
                t.setDaemon(true);
                return t;
            });
            long loaded = 0;
            try {
                ArrayDeque<Future<MemSeries[]>> inFlight = new ArrayDeque<>();
                long pos = HEADER_SIZE;
                long expectTotal;
                while (true) {
                    ByteReader lr = new ByteReader(readAt(ch, pos, 4, file, size), file, pos);
                    int len = lr.getBE32();
                    if (len == 0) {
                        ByteReader end = new ByteReader(readAt(ch, pos + 4, 12, file, size), file, pos + 4);
                        expectTotal = end.getBE64();
                        if (end.getBE32() != end.crc32c(0, 8)) {
                            throw new CorruptionException(file, pos + 4, "head snapshot end checksum mismatch");
                        }
                        if (pos + 16 != size) {
                            throw new CorruptionException(file, pos + 16, (size - pos - 16) + " bytes after the end of the snapshot");
                        }
                        break;
                    }
                    if (len < 0 || pos + 8 + len > size) {
                        throw new CorruptionException(file, pos, "section of " + len + " bytes past the end of the file ("
                                + size + " bytes)");
                    }
                    ByteBuffer sec = readAt(ch, pos, 8 + len, file, size);
                    long secPos = pos;
                    inFlight.add(pool.submit(() -> decodeSection(sec, file, secPos, head)));
                    pos += 8 + len;
                    while (inFlight.size() > 2 * threads + 2) {
                        loaded += insert(head, await(inFlight.poll()), minValid);
                    }
                }
                while (!inFlight.isEmpty()) {
                    loaded += insert(head, await(inFlight.poll()), minValid);
                }
                if (loaded != expectTotal) {
                    throw new CorruptionException(file, pos, "snapshot ends after " + loaded + " series, its trailer says "
                            + expectTotal);
                }
            } finally {
                pool.shutdownNow();
            }
            head.series.reserveIdsBelow(nextId);
            head.restoreTimes(minT, maxT);
            return new Loaded(loaded, segment);
        }
    }

    private static MemSeries[] decodeSection(ByteBuffer sec, String file, long pos, Head head) {
        ByteReader r = new ByteReader(sec, file, pos);
        int len = r.getBE32();
        int crc = r.getBE32();
        if (crc != r.crc32c(8, len)) {
            throw new CorruptionException(file, pos, "head snapshot section checksum mismatch");
        }
        int n = r.getUvarintInt();
        if (n > SERIES_PER_SECTION * 16) {
            throw r.corrupt("section claims " + n + " series");
        }
        MemSeries[] out = new MemSeries[n];
        for (int i = 0; i < n; i++) {
            out[i] = MemSeries.decode(r, head.symbols);
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " bytes after the last series of the section");
        }
        return out;
    }

    private static MemSeries[] await(Future<MemSeries[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading a head snapshot", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("loading a head snapshot failed", e.getCause());
        }
    }

    private static int insert(Head head, MemSeries[] batch, long minValid) {
        long chunks = 0;
        long laterChunks = 0;
        for (MemSeries s : batch) {
            if (head.mmapped != null && !s.closedChunksIn(head.mmapped)) {
                throw new CorruptionException(HeadSnapshot.PREFIX, 0, "series " + s.id + " " + s.labels
                        + " names full chunks that " + HeadChunkFiles.DIR + " does not hold");
            }
            int named = s.closedCount();
            if (head.mmapped != null) {
                // full chunks cut after the snapshot was written: the replay then skips their samples
                long upTo = s.attachMmappedAfterSnapshot(head.mmapped);
                if (upTo != Long.MIN_VALUE) {
                    laterChunks += s.closedCount() - named;
                    head.restoreTimes(s.minTime(), upTo);
                }
            }
            if (minValid != Long.MIN_VALUE) {
                s.truncateBefore(minValid, head.chunks);
            }
            chunks += s.closedCount();
            if (!head.series.insertRestored(s, m -> {
                head.postings.add(m.id, m.labels);
                head.stats.seriesCreated.increment();
            })) {
                throw new CorruptionException(HeadSnapshot.PREFIX, 0, "series " + s.id + " " + s.labels
                        + " appears twice in the head snapshot");
            }
        }
        head.countMmapped(chunks);
        head.countMmappedAfterSnapshot(laterChunks);
        return batch.length;
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int n, String file, long size) throws IOException {
        if (pos + n > size) {
            throw new CorruptionException(file, pos, "head snapshot cut short: needs " + n + " bytes at " + pos
                    + ", the file has " + size);
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new CorruptionException(file, pos, "head snapshot cut short while reading");
            }
        }
        return b.flip();
    }
}
