package dev.cairn.tsdb.chunk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Writes chunks into a block's {@code chunks/} directory as Prometheus does: segment files
 * {@code 000001}, {@code 000002}, … of at most {@link ChunkSegments#DEFAULT_SEGMENT_SIZE} bytes each,
 * a new file started whenever the next chunk would not fit (a chunk larger than a whole segment still
 * gets a file of its own; no segment is left empty).
 *
 * <p>{@link #write} returns the chunk's reference for the index. {@link #close()} flushes, fsyncs each
 * segment and then the directory; only after it returns are the files durable. After an
 * {@link IOException} the directory is incomplete: discard it. Not thread-safe.
 */
public final class ChunkSegmentWriter implements Closeable {
    private static final int BUFFER_SIZE = 1 << 20;

    private final Path dir;
    private final long segmentSize;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
    private final CRC32C crc = new CRC32C();
    private final byte[] lenField = new byte[10];
    private FileChannel tail;
    private int segments;
    /** Bytes in the current segment, buffered ones included. */
    private long n;
    private long totalBytes;
    private boolean closed;

    /** A writer into {@code dir} (created if missing, must hold no segment files) with 512 MiB segments. */
    public ChunkSegmentWriter(Path dir) throws IOException {
        this(dir, ChunkSegments.DEFAULT_SEGMENT_SIZE);
    }

    /** As {@link #ChunkSegmentWriter(Path)} with another segment size limit (tests use small ones). */
    public ChunkSegmentWriter(Path dir, long segmentSize) throws IOException {
        if (segmentSize <= ChunkSegments.HEADER_SIZE || segmentSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment size " + segmentSize + " outside (" + ChunkSegments.HEADER_SIZE
                + ", " + Integer.MAX_VALUE + "]: chunk offsets must fit 32 bits and readers map a segment whole");
        }
        this.dir = dir;
        this.segmentSize = segmentSize;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            Path existing = files.filter(p -> ChunkSegments.parseSeq(p.getFileName().toString()) >= 0)
                .findFirst().orElse(null);
            if (existing != null) {
                throw new FileAlreadyExistsException(existing.toString(), null,
                    "chunk directory already holds segment files; write a block's chunks into an empty directory");
            }
        }
    }

    /**
     * Appends a chunk and returns its reference (segment index in the upper 32 bits, offset in the lower).
     */
    public long write(Chunk c) throws IOException {
        if (closed) {
            throw new IllegalStateException("chunk writer for " + dir + " is closed");
        }
        int len = c.length();
        long size = ChunkSegments.MAX_LENGTH_FIELD_SIZE + 1L + len + ChunkSegments.CRC_SIZE;
        if (tail == null || (n > ChunkSegments.HEADER_SIZE && n + size > segmentSize)) {
            cut();
        }
        long ref = ChunkSegments.ref(segments - 1, n);

        int lenBytes = putUvarint(lenField, len);
        put(lenField, 0, lenBytes);
        byte enc = (byte) c.encoding().code();
        crc.reset();
        crc.update(enc);
        crc.update(c.bytes(), 0, len);
        lenField[0] = enc;
        put(lenField, 0, 1);
        put(c.bytes(), 0, len);
        int sum = (int) crc.getValue();
        lenField[0] = (byte) (sum >>> 24);
        lenField[1] = (byte) (sum >>> 16);
        lenField[2] = (byte) (sum >>> 8);
        lenField[3] = (byte) sum;
        put(lenField, 0, 4);
        return ref;
    }

    /** Segment files started so far. */
    public int segments() {
        return segments;
    }

    /** Bytes written to all segments so far, headers included. */
    public long bytesWritten() {
        return totalBytes;
    }

    private static int putUvarint(byte[] out, long v) {
        int i = 0;
        while ((v & ~0x7FL) != 0) {
            out[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[i++] = (byte) v;
        return i;
    }

    private void put(byte[] b, int off, int len) throws IOException {
        n += len;
        totalBytes += len;
        while (len > 0) {
            if (!buf.hasRemaining()) {
                flush(tail);
            }
            int k = Math.min(len, buf.remaining());
            buf.put(b, off, k);
            off += k;
            len -= k;
        }
    }

    private void flush(FileChannel f) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            f.write(buf);
        }
        buf.clear();
    }

    private void finishTail() throws IOException {
        if (tail == null) {
            return;
        }
        FileChannel f = tail;
        tail = null;
        try (f) {
            flush(f);
            f.force(true);
        }
    }

    private void cut() throws IOException {
        finishTail();
        segments++;
        Path p = ChunkSegments.file(dir, segments);
        tail = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        n = 0;
        byte[] header = new byte[ChunkSegments.HEADER_SIZE];
        header[0] = (byte) (ChunkSegments.MAGIC >>> 24);
        header[1] = (byte) (ChunkSegments.MAGIC >>> 16);
        header[2] = (byte) (ChunkSegments.MAGIC >>> 8);
        header[3] = (byte) ChunkSegments.MAGIC;
        header[4] = ChunkSegments.VERSION;
        put(header, 0, header.length);
    }

    /** Flushes and fsyncs the last segment, then the directory so the new names are durable. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        finishTail();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
