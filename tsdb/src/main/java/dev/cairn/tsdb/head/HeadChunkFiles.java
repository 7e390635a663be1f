package dev.cairn.tsdb.head;

import dev.cairn.tsdb.encoding.ByteWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Full head chunks on disk in {@code <db>/chunks_head/}, in Prometheus's head-chunk file format
 * (its {@code tsdb/docs/format/head_chunks.md}), so memory keeps only a 8-byte reference and the
 * time bounds per full chunk, and a restart after a crash reads these chunks instead of re-encoding
 * their samples from the WAL.
 *
 * <h2>Format</h2>
 * Files {@code 000001}, {@code 000002}, … of at most {@value #MAX_FILE_SIZE} bytes:
 * <pre>
 * file:  magic 0x0130BC91 (BE32) | version 1 (1 byte) | padding (3 zero bytes) | chunk …
 * chunk: series ref (BE64) | mint (BE64) | maxt (BE64) | encoding (1 byte, 1 = XOR) | len (uvarint)
 *        | data (len bytes) | CRC32C of everything before it in the chunk (BE32)
 * </pre>
 * A chunk's reference is {@code file number << 32 | offset of its series ref}. A run of zero bytes
 * where a chunk would start ends a file (Prometheus pre-allocates; so may a crash).
 *
 * <h2>Writes, reads and crashes</h2>
 * Chunks are appended to the newest file through a write buffer of {@code bufferSize} bytes (flushed
 * when full, when a file is cut and at {@link #flush}); a chunk still in the buffer is read from it.
 * Older files are memory-mapped read-only on their first read. A chunk only ever holds samples
 * already in the WAL (it is cut after the commit that logged them), so losing the buffer, or a torn
 * tail, to a crash loses nothing: {@link #open} stops at the first chunk that does not check out
 * (bad length, CRC mismatch), cuts the file there, deletes every later file (a later chunk of a
 * series without the lost one would leave a hole), and the WAL replay re-creates what was cut —
 * Prometheus deletes from the corrupt file on, for the same reason.
 *
 * <p>A write that fails (disk full, I/O error) is logged once and the store falls back to the heap
 * for every chunk after it: the head stays correct, only memory use grows, and the WAL still holds
 * the samples for the next start.
 *
 * <p>Thread-safety: writes and reads of the newest file are serialised on this object (a chunk is
 * cut once per ~120 samples of a series, so the lock is taken rarely); reads of older files go to
 * their mapping without a lock.
 */
final class HeadChunkFiles implements ChunkStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HeadChunkFiles.class.getName());

    static final String DIR = "chunks_head";
    static final int MAGIC = 0x0130BC91;
    static final int VERSION = 1;
    static final int FILE_HEADER = 8;
    static final long MAX_FILE_SIZE = 128L << 20;
    /** series ref, mint, maxt, encoding. */
    static final int CHUNK_META = 8 + 8 + 8 + 1;
    static final int CRC_SIZE = 4;
    static final int ENCODING_XOR = 1;
    /** Default write buffer: Prometheus's is 4 MiB too. */
    static final int DEFAULT_BUFFER = 4 << 20;
    /** References into the fallback heap store carry this bit (a file number never reaches it). */
    private static final long HEAP_BIT = 1L << 63;
    private static final Pattern NAME = Pattern.compile("\\d{6,}");

    /** One file: its number, path, newest chunk time, size of its valid part. */
    private static final class FileInfo {
        final int index;
        final Path path;
        long maxt = Long.MIN_VALUE;
        long size;
        volatile MappedByteBuffer map;

        FileInfo(int index, Path path) {
            this.index = index;
            this.path = path;
        }
    }

    private final Path dir;
    private final int bufferSize;
    private final TreeMap<Integer, FileInfo> files = new TreeMap<>();
    private final CRC32C crc = new CRC32C();
    /** The file being appended to; null until the next write cuts one. */
    private FileInfo live;
    private FileChannel liveChannel;
    /** Bytes of the live file already handed to the OS; the buffer holds what follows. */
    private long liveFlushed;
    private byte[] buf;
    private int bufLen;
    private HeapChunkStore fallback;
    private boolean closed;
    /** Highest file number seen, deleted ones included: a number is never given to a second file. */
    private int highestIndex;

    private HeadChunkFiles(Path dir, int bufferSize) {
        this.dir = dir;
        this.bufferSize = bufferSize;
        this.buf = new byte[Math.max(64 << 10, Math.min(bufferSize, 64 << 20))];
    }

    /** What {@link #open} found: the chunks per series and whether it had to cut damaged files. */
    record Opened(HeadChunkFiles files, MmappedChunks chunks, String repaired) {
    }

    /**
     * Opens (creating if missing) {@code dir}, reads every chunk's header and checksum into an
     * {@link MmappedChunks}, and repairs a damaged tail as the class comment says.
     *
     * @param bufferSize bytes buffered before a write reaches the file (0: each chunk at once)
     */
    static Opened open(Path dir, int bufferSize) throws IOException {
        return create(dir, bufferSize).scan();
    }

    /**
     * Opens (creating if missing) {@code dir} without reading it: {@link #scan} must run, and
     * finish, before the first chunk is written or read. {@link Head#open} scans on a thread of its
     * own while it loads the head snapshot.
     */
    static HeadChunkFiles create(Path dir, int bufferSize) throws IOException {
        Files.createDirectories(dir);
        return new HeadChunkFiles(dir, bufferSize);
    }

    /**
     * Reads every chunk's header and checksum into an {@link MmappedChunks} and repairs a damaged
     * tail as the class comment says. Called once, before any other use.
     */
    synchronized Opened scan() throws IOException {
        MmappedChunks found = new MmappedChunks();
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    paths.add(p);
                }
            }
        }
        paths.sort((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
                Integer.parseInt(b.getFileName().toString())));
        String repaired = null;
        for (int i = 0; i < paths.size(); i++) {
            Path p = paths.get(i);
            FileInfo fi = new FileInfo(Integer.parseInt(p.getFileName().toString()), p);
            highestIndex = Math.max(highestIndex, Integer.parseInt(paths.get(paths.size() - 1).getFileName().toString()));
            String bad = scan(fi, found);
            if (bad == null) {
                files.put(fi.index, fi);
                continue;
            }
            // cut the file at the damage and drop every later one; the WAL re-creates their chunks
            StringBuilder sb = new StringBuilder(bad);
            if (fi.size <= FILE_HEADER) {
                Files.delete(p);
            } else {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(fi.size);
                    ch.force(true);
                }
                files.put(fi.index, fi);
            }
            for (int j = i + 1; j < paths.size(); j++) {
                Files.delete(paths.get(j));
                sb.append("; deleted ").append(paths.get(j).getFileName());
            }
            repaired = sb.toString();
            LOG.log(System.Logger.Level.WARNING, "Repaired head chunks in {0}: {1}; the WAL replay re-creates the"
                    + " chunks that were cut off", dir, repaired);
            break;
        }
        return new Opened(this, found.seal(), repaired);
    }

    /**
     * Reads {@code fi}'s chunks into {@code out} with buffered reads (not through a mapping, which
     * would leave every page of every file counted in the process's resident memory).
     *
     * @return null when the whole file checks out, else what is wrong and where; {@code fi.size} is
     *         then the offset to cut the file at
     */
    private static String scan(FileInfo fi, MmappedChunks out) throws IOException {
        String name = fi.path.toString();
        try (FileChannel ch = FileChannel.open(fi.path, StandardOpenOption.READ)) {
            long size = ch.size();
            fi.size = 0;
            if (size < FILE_HEADER) {
                return name + " is " + size + " bytes, shorter than its header (a crash as it was created)";
            }
            Window w = new Window(ch, size);
            w.ensure(0, FILE_HEADER);
            if (w.be32(0) != MAGIC || w.b.get(w.at(4)) != VERSION) {
                return name + " is not a head chunk file of version " + VERSION + " (bad magic or version)";
            }
            fi.size = FILE_HEADER;
            CRC32C crc = new CRC32C();
            long off = FILE_HEADER;
            while (off < size) {
                int avail = (int) Math.min(CHUNK_META + 10, size - off);
                w.ensure(off, avail);
                if (w.allZero(off, avail)) {
                    break; // end of the written part
                }
                if (avail < CHUNK_META + 1) {
                    return name + ": chunk at offset " + off + " cut short by the end of the file";
                }
                long seriesRef = w.be64(off);
                long mint = w.be64(off + 8);
                long maxt = w.be64(off + 16);
                int enc = w.b.get(w.at(off + 24)) & 0xFF;
                long len = 0;
                int shift = 0;
                int lenBytes = 0;
                while (true) {
                    if (CHUNK_META + lenBytes >= avail || shift > 28) {
                        return name + ": bad chunk length at offset " + off;
                    }
                    int b = w.b.get(w.at(off + CHUNK_META + lenBytes)) & 0xFF;
                    lenBytes++;
                    len |= (long) (b & 0x7F) << shift;
                    shift += 7;
                    if (b < 0x80) {
                        break;
                    }
                }
                long total = CHUNK_META + lenBytes + len + CRC_SIZE;
                if (len < 2 || off + total > size) {
                    return name + ": chunk at offset " + off + " of " + len + " bytes runs past the end of the file ("
                            + size + " bytes)";
                }
                w.ensure(off, (int) total);
                crc.reset();
                ByteBuffer region = w.b.duplicate();
                region.limit(w.at(off) + (int) total - CRC_SIZE).position(w.at(off));
                crc.update(region);
                if ((int) crc.getValue() != w.be32(off + total - CRC_SIZE)) {
                    return name + ": checksum mismatch in the chunk at offset " + off;
                }
                if (enc == ENCODING_XOR) {
                    out.add(seriesRef, (long) fi.index << 32 | off, mint, maxt);
                    fi.maxt = Math.max(fi.maxt, maxt);
                } else {
                    // histogram chunks: this head holds floats only, and skips such WAL samples too
                    fi.maxt = Math.max(fi.maxt, maxt);
                }
                off += total;
                fi.size = off;
            }
            return null;
        }
    }

    /** A sliding read buffer over a file, for the scan. */
    private static final class Window {
        final FileChannel ch;
        final long size;
        ByteBuffer b = ByteBuffer.allocate(4 << 20);
        long start;
        int len;

        Window(FileChannel ch, long size) {
            this.ch = ch;
            this.size = size;
        }

        void ensure(long off, int n) throws IOException {
            if (off >= start && off + n <= start + len) {
                return;
            }
            if (n > b.capacity()) {
                b = ByteBuffer.allocate(n);
            }
            b.clear();
            int want = (int) Math.min(b.capacity(), size - off);
            b.limit(want);
            while (b.hasRemaining()) {
                if (ch.read(b, off + b.position()) < 0) {
                    break;
                }
            }
            start = off;
            len = b.position();
            b.clear();
            if (len < n) {
                throw new IOException(ch + ": short read at " + off);
            }
        }

        int at(long off) {
            return (int) (off - start);
        }

        int be32(long off) {
            return b.getInt(at(off));
        }

        long be64(long off) {
            return b.getLong(at(off));
        }

        boolean allZero(long off, int n) {
            for (int i = 0; i < n; i++) {
                if (b.get(at(off) + i) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public synchronized long write(long seriesId, long mint, long maxt, byte[] data, int len) {
        if (fallback != null) {
            return HEAP_BIT | fallback.write(seriesId, mint, maxt, data, len);
        }
        if (closed) {
            throw new IllegalStateException("head chunk files " + dir + " are closed");
        }
        int total = CHUNK_META + ByteWriter.uvarintSize(len) + len + CRC_SIZE;
        try {
            if (live == null || live.size + total > MAX_FILE_SIZE) {
                cutFile();
            }
            if (bufLen + total > buf.length) {
                flushBuffer();
                if (total > buf.length) {
                    buf = new byte[total];
                }
            }
            long ref = (long) live.index << 32 | live.size;
            int p = bufLen;
            putBE64(buf, p, seriesId);
            putBE64(buf, p + 8, mint);
            putBE64(buf, p + 16, maxt);
            buf[p + 24] = ENCODING_XOR;
            int q = p + CHUNK_META;
            long v = len;
            while (v >= 0x80) {
                buf[q++] = (byte) (v | 0x80);
                v >>>= 7;
            }
            buf[q++] = (byte) v;
            System.arraycopy(data, 0, buf, q, len);
            q += len;
            crc.reset();
            crc.update(buf, p, q - p);
            putBE32(buf, q, (int) crc.getValue());
            bufLen = q + CRC_SIZE;
            live.size += total;
            live.maxt = Math.max(live.maxt, maxt);
            if (bufLen >= bufferSize) {
                flushBuffer();
            }
            return ref;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "Cannot write head chunks to " + dir + " (" + e.getMessage()
                    + "); keeping full chunks in memory from now on. Free disk space or fix the disk and restart:"
                    + " the WAL holds every sample", e);
            fallback = new HeapChunkStore();
            // chunks still in the buffer are read from it; nothing more goes to the files
            return HEAP_BIT | fallback.write(seriesId, mint, maxt, data, len);
        }
    }

    private void cutFile() throws IOException {
        finishLive();
        int index = ++highestIndex;
        Path p = dir.resolve(String.format("%06d", index));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileInfo fi = new FileInfo(index, p);
        files.put(index, fi);
        live = fi;
        liveChannel = ch;
        liveFlushed = 0;
        // the header goes out at once: a file is never left without one but by a crash right here
        putBE32(buf, 0, MAGIC);
        buf[4] = VERSION;
        buf[5] = 0;
        buf[6] = 0;
        buf[7] = 0;
        bufLen = FILE_HEADER;
        fi.size = FILE_HEADER;
        flushBuffer();
    }

    /** Flushes, syncs and closes the live file; the next write starts a new one. */
    private void finishLive() throws IOException {
        if (live == null) {
            return;
        }
        flushBuffer();
        liveChannel.force(false);
        liveChannel.close();
        live = null;
        liveChannel = null;
    }

    private void flushBuffer() throws IOException {
        if (bufLen == 0 || liveChannel == null) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, 0, bufLen);
        while (b.hasRemaining()) {
            liveChannel.write(b, liveFlushed + b.position());
        }
        liveFlushed += bufLen;
        bufLen = 0;
    }

    @Override
    public byte[] read(long ref) {
        if ((ref & HEAP_BIT) != 0) {
            HeapChunkStore fb;
            synchronized (this) {
                fb = fallback;
            }
            return fb.read(ref & ~HEAP_BIT);
        }
        int index = (int) (ref >>> 32);
        long off = ref & 0xFFFFFFFFL;
        FileInfo fi;
        synchronized (this) {
            fi = files.get(index);
            if (fi == null) {
                throw new IllegalStateException("head chunk " + Long.toHexString(ref) + ": file " + index
                        + " of " + dir + " is gone");
            }
            if (fi == live) {
                return readLive(off);
            }
        }
        MappedByteBuffer m = fi.map;
        if (m == null) {
            m = map(fi);
        }
        int pos = (int) off + CHUNK_META;
        int len = 0;
        int shift = 0;
        int b;
        do {
            b = m.get(pos++) & 0xFF;
            len |= (b & 0x7F) << shift;
            shift += 7;
        } while (b >= 0x80);
        byte[] out = new byte[len];
        m.get(pos, out);
        return out;
    }

    private synchronized MappedByteBuffer map(FileInfo fi) {
        if (fi.map == null) {
            try (FileChannel ch = FileChannel.open(fi.path, StandardOpenOption.READ)) {
                // the mapping outlives the channel; it goes when the buffer is collected
                fi.map = ch.map(FileChannel.MapMode.READ_ONLY, 0, fi.size);
            } catch (IOException e) {
                throw new UncheckedIOException("map head chunk file " + fi.path, e);
            }
        }
        return fi.map;
    }

    /** A chunk of the live file: from the buffer, or with positional reads. Caller holds the lock. */
    private byte[] readLive(long off) {
        if (off >= liveFlushed) {
            int p = (int) (off - liveFlushed) + CHUNK_META;
            int len = 0;
            int shift = 0;
            int b;
            do {
                b = buf[p++] & 0xFF;
                len |= (b & 0x7F) << shift;
                shift += 7;
            } while (b >= 0x80);
            byte[] out = new byte[len];
            System.arraycopy(buf, p, out, 0, len);
            return out;
        }
        try {
            ByteBuffer head = ByteBuffer.allocate(CHUNK_META + 5);
            readFully(head, off);
            int p = CHUNK_META;
            int len = 0;
            int shift = 0;
            int b;
            do {
                b = head.get(p++) & 0xFF;
                len |= (b & 0x7F) << shift;
                shift += 7;
            } while (b >= 0x80);
            byte[] out = new byte[len];
            readFully(ByteBuffer.wrap(out), off + p);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("read head chunk at offset " + off + " of " + live.path, e);
        }
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = liveChannel.read(b, pos + b.position());
            if (n < 0) {
                if (b.position() > 0 && b.capacity() == CHUNK_META + 5) {
                    return; // the header read may run past a short last chunk
                }
                throw new IOException("unexpected end of " + live.path);
            }
        }
    }

    @Override
    public void release(long ref) {
        if ((ref & HEAP_BIT) != 0) {
            synchronized (this) {
                fallback.release(ref & ~HEAP_BIT);
            }
        }
        // on disk a chunk goes with its file (truncateBefore)
    }

    /**
     * Deletes the oldest files all of whose chunks end before {@code mint}, stopping at the first
     * that still holds a newer one (the file numbers stay a sequence), and closes the live file so
     * the next truncation can delete it (as Prometheus: a small head may take long to fill a file).
     * Call it after the series dropped their references to those chunks.
     *
     * @return the number of files deleted
     */
    synchronized int truncateBefore(long mint) throws IOException {
        if (fallback == null) {
            finishLive();
        }
        int deleted = 0;
        while (!files.isEmpty()) {
            FileInfo fi = files.firstEntry().getValue();
            if (fi == live || fi.maxt >= mint) {
                break;
            }
            files.pollFirstEntry();
            // a mapping of the file stays valid until collected; the disk space follows it
            fi.map = null;
            Files.deleteIfExists(fi.path);
            deleted++;
        }
        return deleted;
    }

    /** Writes the buffer out and syncs the live file (before a snapshot refers to its chunks). */
    synchronized void flush() throws IOException {
        if (live != null) {
            flushBuffer();
            liveChannel.force(false);
        }
    }

    /** Whether a write failed and chunks went to the heap since. */
    synchronized boolean failed() {
        return fallback != null;
    }

    /** Number of files and bytes on disk, for tests and logs. */
    synchronized long[] usage() {
        long bytes = 0;
        for (FileInfo fi : files.values()) {
            bytes += fi.size;
        }
        return new long[]{files.size(), bytes};
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        if (fallback == null) {
            finishLive();
        }
        closed = true;
    }

    private static void putBE64(byte[] b, int p, long v) {
        for (int i = 7; i >= 0; i--) {
            b[p + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static void putBE32(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }
}
