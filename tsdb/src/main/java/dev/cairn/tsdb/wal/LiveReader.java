package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Follows a WAL while it is being written, as Prometheus's remote-write watcher follows its WAL:
 * {@link #next()} returns the next complete record, or false when none is complete yet (call again
 * later); it never waits. The relay's disk queue forwards records this way and persists
 * {@link #segment()}/{@link #offset()} to resume after a restart.
 *
 * <p>A segment is finished once a newer segment exists (the writer flushes a segment before it
 * creates the next). A finished segment that ends inside a record has a torn tail (the writer
 * crashed): it is skipped with a warning. A fragment that fails its checksum or breaks the
 * fragment sequence throws {@link CorruptionException} with the segment file and offset.
 *
 * <p>Not thread-safe. {@link #record()} is valid until the next call to {@link #next()}.
 */
public final class LiveReader implements Closeable {
    private static final System.Logger LOG = System.getLogger(LiveReader.class.getName());

    private final Path dir;
    private final CRC32C crc = new CRC32C();
    private final Snappy snappy = new Snappy();
    private final byte[] hdr = new byte[Frame.HEADER_SIZE];
    private byte[] frag = new byte[Frame.PAGE_SIZE];
    private byte[] rec = new byte[Frame.PAGE_SIZE];
    private int recLen;
    private ByteBuffer record;

    private int segment;
    private long offset;
    private FileChannel ch;

    /** Starts at {@code offset} of segment {@code segment}, which must be a record boundary (0, or a saved {@link #offset()}). */
    public LiveReader(Path dir, int segment, long offset) {
        this.dir = dir;
        this.segment = segment;
        this.offset = offset;
    }

    /** The segment of the next record to read. */
    public int segment() {
        return segment;
    }

    /** The offset in {@link #segment()} just after the last record returned. */
    public long offset() {
        return offset;
    }

    /** The current record, position 0 to limit. */
    public ByteBuffer record() {
        return record;
    }

    /**
     * @return true with a new {@link #record()}, false when no complete record is available yet
     * @throws CorruptionException on damage that more data follows
     */
    public boolean next() throws IOException {
        while (true) {
            if (ch == null) {
                Path f = Segments.path(dir, segment);
                if (!Files.exists(f)) {
                    return false;
                }
                ch = FileChannel.open(f, StandardOpenOption.READ);
            }
            long end = readRecord(ch.size());
            if (end < 0) {
                if (!Files.exists(Segments.path(dir, segment + 1))) {
                    return false; // the writer is still on this segment
                }
                // The writer finished this segment before creating the next: read once more, to the real end.
                end = readRecord(ch.size());
            }
            if (end >= 0) {
                offset = end;
                return true;
            }
            long size = ch.size();
            if (offset < size && !onlyPadding(offset, size)) {
                LOG.log(System.Logger.Level.WARNING, "WAL segment {0} ends inside a record at offset {1}; "
                        + "skipping its torn tail and moving on to segment {2}", Segments.path(dir, segment), offset, segment + 1);
            }
            ch.close();
            ch = null;
            segment++;
            offset = 0;
        }
    }

    /** Parses one record from {@link #offset}; returns its end, or -1 if it is not complete within {@code size}. */
    private long readRecord(long size) throws IOException {
        long p = offset;
        recLen = 0;
        int flags = 0;
        boolean inRecord = false;
        while (true) {
            int inPage = (int) (p % Frame.PAGE_SIZE);
            if (Frame.PAGE_SIZE - inPage < Frame.HEADER_SIZE) {
                p += Frame.PAGE_SIZE - inPage; // too small for a header: padding
                continue;
            }
            if (p + 1 > size) {
                return -1;
            }
            if (!readFully(hdr, 1, p)) {
                return -1;
            }
            int kind = hdr[0] & Frame.KIND_MASK;
            if (kind == Frame.PAGE_TERM) {
                long pageEnd = p - inPage + Frame.PAGE_SIZE;
                if (pageEnd > size) {
                    return -1;
                }
                p = pageEnd;
                continue;
            }
            if (p + Frame.HEADER_SIZE > size || !readFully(hdr, Frame.HEADER_SIZE, p)) {
                return -1;
            }
            int len = ((hdr[1] & 0xFF) << 8) | (hdr[2] & 0xFF);
            if (inPage + Frame.HEADER_SIZE + len > Frame.PAGE_SIZE) {
                throw corrupt(p, "fragment of " + len + " bytes crosses a page boundary");
            }
            long dataEnd = p + Frame.HEADER_SIZE + len;
            if (dataEnd > size || !readFully(frag, len, p + Frame.HEADER_SIZE)) {
                return -1;
            }
            int want = ((hdr[3] & 0xFF) << 24) | ((hdr[4] & 0xFF) << 16) | ((hdr[5] & 0xFF) << 8) | (hdr[6] & 0xFF);
            crc.reset();
            crc.update(frag, 0, len);
            if ((int) crc.getValue() != want) {
                throw corrupt(p, "fragment checksum mismatch");
            }
            boolean starts = kind == Frame.FULL || kind == Frame.FIRST;
            if (kind > Frame.LAST || starts == inRecord) {
                throw corrupt(p, "unexpected " + Frame.kindName(kind) + " fragment");
            }
            if (starts) {
                flags = hdr[0] & (Frame.SNAPPY | Frame.ZSTD);
            }
            if (recLen + len > rec.length) {
                rec = Arrays.copyOf(rec, Math.max(recLen + len, rec.length * 2));
            }
            System.arraycopy(frag, 0, rec, recLen, len);
            recLen += len;
            p = dataEnd;
            if (kind == Frame.FULL || kind == Frame.LAST) {
                finish(flags, offset);
                return p;
            }
            inRecord = true;
        }
    }

    private void finish(int flags, long at) {
        if ((flags & Frame.ZSTD) != 0) {
            throw corrupt(at, "record is zstd-compressed, which Cairn does not read");
        }
        if ((flags & Frame.SNAPPY) != 0) {
            try {
                record = ByteBuffer.wrap(snappy.buffer(), 0, snappy.decode(rec, 0, recLen)).slice();
            } catch (IllegalArgumentException e) {
                throw corrupt(at, "bad snappy-compressed record: " + e.getMessage());
            }
        } else {
            record = ByteBuffer.wrap(rec, 0, recLen).slice();
        }
    }

    private boolean readFully(byte[] b, int n, long at) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
        while (bb.hasRemaining()) {
            if (ch.read(bb, at + bb.position()) < 0) {
                return false;
            }
        }
        return true;
    }

    private boolean onlyPadding(long from, long size) throws IOException {
        byte[] b = new byte[(int) Math.min(Frame.PAGE_SIZE, size - from)];
        for (long p = from; p < size; p += b.length) {
            int n = (int) Math.min(b.length, size - p);
            if (!readFully(b, n, p)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (b[i] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private CorruptionException corrupt(long at, String what) {
        return new CorruptionException(Segments.path(dir, segment).toString(), at, "WAL " + what);
    }

    @Override
    public void close() throws IOException {
        if (ch != null) {
            ch.close();
            ch = null;
        }
    }
}
