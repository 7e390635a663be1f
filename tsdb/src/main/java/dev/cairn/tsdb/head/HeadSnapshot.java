package dev.cairn.tsdb.head;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * <h2>Layout (version 3)</h2>
 * <pre>
 * header:  magic "CHSN" | version 3 (1 byte) | next series id (BE64) | head min time (BE64)
 *          | head max time (BE64) | WAL segment (BE32) | CRC32C of the header so far (BE32)
 * section: length L (BE32, &gt; 0) | CRC32C of the body (BE32) | body: series count (uvarint),
 *          then per series, in increasing id order: id, label count, name/value as indexes into
 *          the string table (uvarints), max time (varint), last value bits (BE64), next cut time
 *          (varint), open chunk min time (varint), closed chunk count, per closed chunk min time,
 *          max time (varints) and its reference in {@code chunks_head/} (BE64, see
 *          {@link HeadChunkFiles}), then the open chunk (uvarint length, 0 for none, + XOR chunk)
 * strings: length L (BE32) | CRC32C of the body (BE32) | body: string count (uvarint), then each
 *          distinct label name and value once (uvarint length + UTF-8), index 0 first
 * end:     length 0 (BE32) | total series (BE64) | offset of the string table (BE64)
 *          | CRC32C of total and offset (BE32)
 * </pre>
 * A start reads the end first, then the string table (each distinct string decoded and interned
 * once: a million series share a few thousand strings), then the series sections, which decode in
 * parallel; a bad checksum names a small region. Version 2, written before, is read too: the same
 * but for the labels, which it holds as strings in each entry (uvarint length + UTF-8), no string
 * table, and an end of length 0, total series and a CRC32C of the total.
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
 * before the rename leaves a {@code .tmp}, deleted at the next start, and the previous snapshot).
 * A snapshot is only an accelerator: the WAL still holds everything, so a snapshot that is damaged,
 * of a version this Cairn does not read, or whose following segments were already checkpointed
 * away, is reported and the start falls back to a full WAL replay. So does a snapshot naming a
 * completed chunk that {@code chunks_head/} no longer holds for its series (cut off by a repair).
 * {@link Head#truncate} deletes snapshots before it checkpoints, as the data they hold is then
 * partly gone from the head.
 */
final class HeadSnapshot {
    static final String PREFIX = "head_snapshot.";
    private static final Pattern NAME = Pattern.compile("head_snapshot\\.(\\d{8})");
    private static final int MAGIC = 0x4348534E; // "CHSN"
    /**
     * 3: labels as indexes into a string table at the end. 2: labels as strings in each entry (still
     * read). 1 held full chunks' bytes (refused).
     */
    static final int VERSION = 3;
    static final int VERSION_2 = 2;
    static final int SERIES_PER_SECTION = 4096;
    private static final int HEADER_SIZE = 4 + 1 + 8 + 8 + 8 + 4 + 4;
    /** Version 3's end: marker, total series, string table offset, CRC32C. */
    private static final int END_SIZE = 4 + 8 + 8 + 4;

    /** A snapshot on disk. */
    record Ref(Path file, int walSegment) {
    }

    /** What a load restored; {@code nextId}, times as stored. */
    record Loaded(long series, int walSegment, int version) {
    }

    /** The full chunks found in {@code chunks_head/}: the scan, which may still be running; waits for it. */
    interface ChunkIndex {
        MmappedChunks get() throws IOException;
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
        return write(head, walDir, walSegment, chunkFiles, VERSION);
    }

    /** As {@link #write(Head, Path, int, HeadChunkFiles)} in layout {@code version} (2 or 3; 2 for tests of upgrades). */
    static Path write(Head head, Path walDir, int walSegment, HeadChunkFiles chunkFiles, int version) throws IOException {
        if (version != VERSION && version != VERSION_2) {
            throw new IllegalArgumentException("head snapshot version " + version);
        }
        Path target = path(walDir, walSegment);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        long[] total = {0};
        long[] pos = {0};
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteWriter w = new ByteWriter(HEADER_SIZE);
            w.putBE32(MAGIC).putByte(version).putBE64(head.series.nextId()).putBE64(head.minTime())
                    .putBE64(head.maxTime()).putBE32(walSegment);
            w.putBE32(w.crc32c(0));
            pos[0] += writeFully(ch, w);
            ByteWriter section = new ByteWriter(1 << 20);
            ByteWriter body = new ByteWriter(1 << 20);
            StringTable strings = version == VERSION ? new StringTable() : null;
            int[] inSection = {0};
            IOException[] failure = {null};
            head.series.forEachById(s -> {
                if (failure[0] != null) {
                    return;
                }
                if (strings == null) {
                    synchronized (s) {
                        s.encode(body);
                    }
                } else {
                    // id and labels never change: only the rest needs the lock
                    Labels l = s.labels;
                    body.putUvarint(s.id).putUvarint(l.size());
                    for (int i = 0; i < l.size(); i++) {
                        body.putUvarint(strings.index(l.name(i))).putUvarint(strings.index(l.value(i)));
                    }
                    synchronized (s) {
                        s.encodeState(body);
                    }
                }
                total[0]++;
                if (++inSection[0] == SERIES_PER_SECTION) {
                    try {
                        pos[0] += flushSection(ch, section, body, inSection[0]);
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
                pos[0] += flushSection(ch, section, body, inSection[0]);
            }
            ByteWriter end = new ByteWriter(END_SIZE);
            if (strings != null) {
                long tableAt = pos[0];
                strings.encode(body);
                pos[0] += flushSection(ch, section, body, strings.size());
                end.putBE32(0).putBE64(total[0]).putBE64(tableAt);
            } else {
                end.putBE32(0).putBE64(total[0]);
            }
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

    /** The distinct label strings of a snapshot being written, numbered in order of first use. */
    private static final class StringTable {
        private final HashMap<String, Integer> index = new HashMap<>();
        private final ArrayList<String> strings = new ArrayList<>();

        int index(String s) {
            Integer i = index.get(s);
            if (i == null) {
                i = strings.size();
                index.put(s, i);
                strings.add(s);
            }
            return i;
        }

        int size() {
            return strings.size();
        }

        /** The table's entries, after the count {@link #flushSection} writes. */
        void encode(ByteWriter w) {
            for (String s : strings) {
                w.putUvarintString(s);
            }
        }
    }

    /** Writes {@code count} entries in {@code body} as one checksummed section; returns its size in bytes. */
    private static int flushSection(FileChannel ch, ByteWriter section, ByteWriter body, int count) throws IOException {
        section.reset();
        section.putBE32(0).putBE32(0).putUvarint(count);
        section.putBytes(body.array(), 0, body.length());
        section.setBE32(0, section.length() - 8);
        section.setBE32(4, section.crc32c(8));
        body.reset();
        return writeFully(ch, section);
    }

    private static int writeFully(FileChannel ch, ByteWriter w) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(w.array(), 0, w.length());
        while (b.hasRemaining()) {
            ch.write(b);
        }
        return w.length();
    }

    /**
     * Loads {@code ref} into an empty head: the string table first (version 3), then the series
     * sections, mapped from the file and decoded on {@code threads} threads, which also attach each
     * series' full chunks from {@code chunks} (waiting for the scan of {@code chunks_head/} the
     * first time), drop chunks entirely before the head's min valid time and put the series in the
     * series map; the calling thread adds them to the postings in id order (the postings lists stay
     * sorted by appending).
     *
     * @param chunks the full chunks on disk, or null for a head without {@code chunks_head/}
     * @throws CorruptionException if a checksum, a length or an entry does not hold; the head is
     *         then partly filled and must be discarded
     */
    static Loaded load(Head head, Ref ref, int threads, ChunkIndex chunks) throws IOException {
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
            if (version != VERSION && version != VERSION_2) {
                throw new CorruptionException(file, 4, "head snapshot version " + version + ", this Cairn reads "
                        + VERSION_2 + " and " + VERSION);
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
            // version 3: where the series sections end (the string table), the strings, the total
            long sectionsEnd = -1;
            String[] strings = null;
            long expectTotal = -1;
            if (version == VERSION) {
                if (size < HEADER_SIZE + END_SIZE) {
                    throw new CorruptionException(file, size, "head snapshot cut short: " + size + " bytes");
                }
                long endAt = size - END_SIZE;
                ByteReader end = new ByteReader(readAt(ch, endAt, END_SIZE, file, size), file, endAt);
                if (end.getBE32() != 0) {
                    throw new CorruptionException(file, endAt, "head snapshot has no end record (cut short?)");
                }
                expectTotal = end.getBE64();
                sectionsEnd = end.getBE64();
                if (end.getBE32() != end.crc32c(4, END_SIZE - 8)) {
                    throw new CorruptionException(file, endAt, "head snapshot end checksum mismatch");
                }
                if (sectionsEnd < HEADER_SIZE || sectionsEnd > endAt - 8) {
                    throw new CorruptionException(file, endAt, "string table offset " + sectionsEnd + " outside the file");
                }
                if (endAt - sectionsEnd > Integer.MAX_VALUE) {
                    throw new CorruptionException(file, endAt, "string table of " + (endAt - sectionsEnd) + " bytes");
                }
                strings = decodeStrings(readAt(ch, sectionsEnd, (int) (endAt - sectionsEnd), file, size), file,
                        sectionsEnd, head.symbols);
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
                Thread t = new Thread(r, "cairn-head-snapshot-load");
                t.setDaemon(true);
                return t;
            });
            long loaded = 0;
            try {
                ArrayDeque<Future<Decoded>> inFlight = new ArrayDeque<>();
                long pos = HEADER_SIZE;
                long limit = version == VERSION ? sectionsEnd : size;
                String[] table = strings;
                while (pos != sectionsEnd) {
                    ByteReader lr = new ByteReader(readAt(ch, pos, 4, file, limit), file, pos);
                    int len = lr.getBE32();
                    if (len == 0) {
                        if (version == VERSION) {
                            throw new CorruptionException(file, pos, "end of sections before the string table at "
                                    + sectionsEnd);
                        }
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
                    if (len < 0 || pos + 8 + len > limit) {
                        throw new CorruptionException(file, pos, "section of " + len + " bytes past the end of the series ("
                                + limit + " bytes)");
                    }
                    ByteBuffer sec = map(ch, pos, 8 + len);
                    long secPos = pos;
                    inFlight.add(pool.submit(() -> decodeSection(sec, file, secPos, head, table, chunks, minValid)));
                    pos += 8 + len;
                    while (inFlight.size() > 2 * threads + 2) {
                        loaded += insert(head, await(inFlight.poll()));
                    }
                }
                while (!inFlight.isEmpty()) {
                    loaded += insert(head, await(inFlight.poll()));
                }
                if (loaded != expectTotal) {
                    throw new CorruptionException(file, pos, "snapshot ends after " + loaded + " series, its end says "
                            + expectTotal);
                }
            } finally {
                pool.shutdownNow();
                // after a failure, no decoding thread may still be filling the head (or reading the
                // mapped file) when the caller falls back to the WAL
                try {
                    if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                        throw new IOException("head snapshot decoding threads did not stop in 30 s");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while loading a head snapshot", e);
                }
            }
            head.series.reserveIdsBelow(nextId);
            head.restoreTimes(minT, maxT);
            return new Loaded(loaded, segment, version);
        }
    }

    /** A section's series, decoded and with their chunks attached, not yet in the head. */
    private record Decoded(MemSeries[] series, long chunks, long laterChunks) {
    }

    private static String[] decodeStrings(ByteBuffer b, String file, long pos, SymbolTable symbols) {
        ByteReader r = new ByteReader(b, file, pos);
        int len = r.getBE32();
        int crc = r.getBE32();
        if (len != r.limit() - 8) {
            throw new CorruptionException(file, pos, "string table of " + len + " bytes, " + (r.limit() - 8)
                    + " before the end record");
        }
        if (crc != r.crc32c(8, len)) {
            throw new CorruptionException(file, pos, "head snapshot string table checksum mismatch");
        }
        int n = r.getUvarintInt();
        if (n > r.remaining()) {
            throw r.corrupt("string table claims " + n + " strings in " + r.remaining() + " bytes");
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            // shared with the series the WAL replay and appenders create
            out[i] = symbols.intern(r.getUvarintString());
        }
        if (r.remaining() != 0) {
            throw r.corrupt(r.remaining() + " bytes after the last string");
        }
        return out;
    }

    private static Decoded decodeSection(ByteBuffer sec, String file, long pos, Head head, String[] strings,
                                         ChunkIndex chunks, long minValid) throws IOException {
        MemSeries[] out;
        try {
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
            out = new MemSeries[n];
            for (int i = 0; i < n; i++) {
                out[i] = strings == null ? MemSeries.decode(r, head.symbols) : decodeSeries(r, strings);
            }
            if (r.remaining() != 0) {
                throw r.corrupt(r.remaining() + " bytes after the last series of the section");
            }
        } catch (InternalError e) {
            // a read error in a mapped file surfaces as this (SIGBUS); the WAL still has everything
            throw new IOException("cannot read head snapshot " + file + " near offset " + pos + ": " + e.getMessage(), e);
        }
        MmappedChunks m = chunks == null ? null : chunks.get();
        long named = 0;
        long later = 0;
        for (MemSeries s : out) {
            // not in the head yet: no other thread sees s
            if (m != null && !s.closedChunksIn(m)) {
                throw new CorruptionException(file, pos, "series " + s.id + " " + s.labels
                        + " names full chunks that " + HeadChunkFiles.DIR + " does not hold");
            }
            if (m != null) {
                int before = s.closedCount();
                // full chunks cut after the snapshot was written: the replay then skips their samples
                long upTo = s.attachMmappedAfterSnapshot(m);
                if (upTo != Long.MIN_VALUE) {
                    later += s.closedCount() - before;
                    head.restoreTimes(s.minTime(), upTo);
                }
            }
            if (minValid != Long.MIN_VALUE) {
                s.truncateBefore(minValid, head.chunks);
            }
            named += s.closedCount();
            // into the series map here, on the decoding threads (the map is striped; a lookup that
            // misses was the largest single cost of the load); the postings are added in id order
            // by the loading thread, as appending keeps their lists sorted without copies
            if (!head.series.insertRestored(s, added -> { })) {
                throw new CorruptionException(file, pos, "series " + s.id + " " + s.labels
                        + " appears twice in the head snapshot");
            }
        }
        return new Decoded(out, named, later);
    }

    /** One version 3 entry: id, labels as string table indexes, then {@link MemSeries#decodeState}. */
    private static MemSeries decodeSeries(ByteReader r, String[] strings) {
        long id = r.getUvarint();
        int n = r.getUvarintInt();
        if (n <= 0 || n > 10_000 || 2 * n > r.remaining()) {
            throw r.corrupt("series " + id + " has " + n + " labels");
        }
        String[] kv = new String[2 * n];
        for (int i = 0; i < kv.length; i++) {
            int k = r.getUvarintInt();
            if (k >= strings.length) {
                throw r.corrupt("series " + id + " names string " + k + " of a table of " + strings.length);
            }
            kv[i] = strings[k];
        }
        return MemSeries.decodeState(id, Labels.ofSorted(kv), r);
    }

    private static Decoded await(Future<Decoded> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading a head snapshot", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("loading a head snapshot failed", e.getCause());
        }
    }

    private static int insert(Head head, Decoded d) {
        for (MemSeries s : d.series()) {
            head.postings.add(s.id, s.labels);
        }
        head.stats.seriesCreated.add(d.series().length);
        head.countMmapped(d.chunks());
        head.countMmappedAfterSnapshot(d.laterChunks());
        return d.series().length;
    }

    /**
     * {@code [pos, pos+n)} of the file, mapped: no copy into the heap, which the load would fill
     * and the collector then sweep (the mapping goes with the buffer).
     */
    private static ByteBuffer map(FileChannel ch, long pos, long n) throws IOException {
        return ch.map(FileChannel.MapMode.READ_ONLY, pos, n);
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
