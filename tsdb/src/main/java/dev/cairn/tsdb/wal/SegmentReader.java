package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.fs.Disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads the records of one or more segment ranges in order, validating every fragment.
 *
 * <h2>Torn tail or corruption</h2>
 * A crash while writing leaves the last segment of a WAL ending inside a record. When the damage
 * is in the <em>final</em> segment of the read, and that segment is the newest of its directory, the
 * reader treats it as a torn tail: it logs a warning, stops, and reports the cut-off point in
 * {@link #tornTail()} ({@link Wal#open} cuts the file there). The damage counts as a tail when the
 * segment ends inside the record, or when no later page of the segment starts with a valid
 * fragment, so cutting it never drops a record that could still be read. Any other damage, and
 * any damage in an earlier segment, throws {@link CorruptionException} with the segment file and
 * byte offset: records after it would be lost, which needs an operator.
 *
 * <p>Usage: {@code while (r.next()) { use r.record() }}, then check {@link #tornTail()}.
 * Not thread-safe. {@link #record()} is valid until the next call to {@link #next()}.
 */
public final class SegmentReader implements Closeable {
    private static final System.Logger LOG = System.getLogger(SegmentReader.class.getName());

    private final List<Path> files;
    private final int[] indexes;
    private final boolean tolerateTornTail;

    private final byte[] page = new byte[Frame.PAGE_SIZE];
    private final CRC32C crc = new CRC32C();
    private final Snappy snappy = new Snappy();
    private byte[] rec = new byte[Frame.PAGE_SIZE];
    private int recLen;
    private ByteBuffer record;

    private int cur = -1;
    private FileChannel ch;
    private long pageStart;
    private int pageLen;
    private int pos;
    private boolean eof;

    private boolean inRecord;
    private int recSegment;
    private long recOffset;
    private TornTail tornTail;

    private SegmentReader(List<Path> files, int[] indexes, boolean tolerateTornTail) {
        this.files = files;
        this.indexes = indexes;
        this.tolerateTornTail = tolerateTornTail;
    }

    /** Every segment in {@code dir}. */
    public static SegmentReader open(Path dir) throws IOException {
        return open(List.of(SegmentRange.all(dir)));
    }

    /** Segments {@code first..last} of {@code dir}; -1 leaves an end open. */
    public static SegmentReader open(Path dir, int first, int last) throws IOException {
        return open(List.of(new SegmentRange(dir, first, last)));
    }

    /**
     * The ranges one after another. A torn tail is tolerated only in the final segment read, and
     * only when it is the newest segment of its directory.
     */
    public static SegmentReader open(List<SegmentRange> ranges) throws IOException {
        Disk disk = Disk.local();
        List<Path> files = new ArrayList<>();
        int[] idx = new int[0];
        boolean lastIsNewest = false;
        for (SegmentRange r : ranges) {
            int[] all = Segments.list(disk, r.dir());
            for (int i : all) {
                if (r.contains(i)) {
                    files.add(Segments.path(r.dir(), i));
                    idx = Arrays.copyOf(idx, idx.length + 1);
                    idx[idx.length - 1] = i;
                }
            }
            lastIsNewest = all.length > 0 && r.contains(all[all.length - 1]);
        }
        return new SegmentReader(files, idx, lastIsNewest);
    }

    /**
     * What a replay reads: the newest checkpoint in {@code walDir} (if any), then the WAL segments
     * after it.
     *
     * @throws IOException if segments between the checkpoint and the oldest segment are missing
     */
    public static SegmentReader openForReplay(Path walDir) throws IOException {
        List<SegmentRange> ranges = new ArrayList<>();
        int from = -1;
        Checkpoint.Ref cp = Checkpoint.last(Disk.local(), walDir);
        if (cp != null) {
            ranges.add(SegmentRange.all(cp.dir()));
            from = cp.index() + 1;
            int[] segs = Segments.list(Disk.local(), walDir);
            if (segs.length > 0 && segs[0] > from) {
                throw new IOException("WAL " + walDir + ": checkpoint " + cp.dir().getFileName() + " covers segments up to "
                        + cp.index() + " but the oldest segment is " + segs[0] + "; segments in between are missing");
            }
        }
        ranges.add(new SegmentRange(walDir, from, -1));
        return open(ranges);
    }

    /**
     * Advances to the next record.
     *
     * @return false at the end, or at a torn tail (then {@link #tornTail()} is set)
     * @throws CorruptionException on damage that is not a torn tail
     */
    public boolean next() throws IOException {
        if (tornTail != null) {
            return false;
        }
        recLen = 0;
        inRecord = false;
        int flags = 0;
        while (true) {
            if (ch == null) {
                if (!openNextSegment()) {
                    return false;
                }
                continue;
            }
            if (pos >= pageLen) {
                if (!eof) {
                    readPage();
                    if (pageLen > 0) {
                        continue;
                    }
                }
                if (inRecord) {
                    return damaged(pageStart + pageLen, pageStart + pageLen, true, "segment ends inside a record (its last fragment is missing)");
                }
                closeSegment();
                continue;
            }
            int fragStart = pos;
            int type = page[pos] & 0xFF;
            int kind = type & Frame.KIND_MASK;
            if (kind == Frame.PAGE_TERM) {
                for (int i = pos; i < pageLen; i++) {
                    if (page[i] != 0) {
                        return damaged(pageStart + i, pageStart + fragStart, false, "non-zero byte in the zero padding of a page");
                    }
                }
                pos = pageLen;
                continue;
            }
            if (pos + Frame.HEADER_SIZE > pageLen) {
                if (pageLen < Frame.PAGE_SIZE) {
                    return damaged(pageStart + pos, pageStart + pos, true, "segment ends inside a fragment header");
                }
                return damaged(pageStart + pos, pageStart + pos, false, "fragment header crosses a page boundary");
            }
            int len = ((page[pos + 1] & 0xFF) << 8) | (page[pos + 2] & 0xFF);
            int want = ((page[pos + 3] & 0xFF) << 24) | ((page[pos + 4] & 0xFF) << 16)
                    | ((page[pos + 5] & 0xFF) << 8) | (page[pos + 6] & 0xFF);
            int dataStart = pos + Frame.HEADER_SIZE;
            if (dataStart + len > Frame.PAGE_SIZE) {
                return damaged(pageStart + pos, pageStart + pos, false, "fragment of " + len + " bytes crosses a page boundary");
            }
            if (dataStart + len > pageLen) {
                return damaged(pageStart + pos, pageStart + pos, true, "segment ends inside a fragment of " + len + " bytes");
            }
            crc.reset();
            crc.update(page, dataStart, len);
            int got = (int) crc.getValue();
            if (got != want) {
                return damaged(pageStart + pos, pageStart + pos, false, String.format("fragment checksum %08x, header says %08x", got, want));
            }
            boolean starts = kind == Frame.FULL || kind == Frame.FIRST;
            boolean continues = kind == Frame.MIDDLE || kind == Frame.LAST;
            if (!starts && !continues) {
                return damaged(pageStart + pos, pageStart + pos, false, "invalid fragment type " + type);
            }
            if (starts == inRecord) {
                return damaged(pageStart + pos, pageStart + pos, false, "unexpected " + Frame.kindName(kind) + " fragment "
                        + (inRecord ? "inside a record" : "outside a record"));
            }
            if (starts) {
                recSegment = indexes[cur];
                recOffset = pageStart + fragStart;
                flags = type & (Frame.SNAPPY | Frame.ZSTD);
            }
            if (recLen + len > rec.length) {
                rec = Arrays.copyOf(rec, Math.max(recLen + len, rec.length * 2));
            }
            System.arraycopy(page, dataStart, rec, recLen, len);
            recLen += len;
            pos = dataStart + len;
            if (kind == Frame.FULL || kind == Frame.LAST) {
                finishRecord(flags);
                return true;
            }
            inRecord = true;
        }
    }

    private void finishRecord(int flags) {
        if ((flags & Frame.ZSTD) != 0) {
            throw new CorruptionException(segmentFile().toString(), recOffset,
                    "record is zstd-compressed, which Cairn does not read; use snappy or no WAL compression");
        }
        if ((flags & Frame.SNAPPY) != 0) {
            int n;
            try {
                n = snappy.decode(rec, 0, recLen);
            } catch (IllegalArgumentException e) {
                throw new CorruptionException(segmentFile().toString(), recOffset, "bad snappy-compressed record: " + e.getMessage());
            }
            record = ByteBuffer.wrap(snappy.buffer(), 0, n).slice();
        } else {
            record = ByteBuffer.wrap(rec, 0, recLen).slice();
        }
    }

    /** The current record's bytes, from position 0 to limit; valid until the next {@link #next()}. */
    public ByteBuffer record() {
        return record;
    }

    /** The current record as a {@link ByteReader} that names its segment and offset in errors. */
    public ByteReader recordReader() {
        return new ByteReader(record, segmentFile().toString(), recOffset);
    }

    /** A copy of the current record. */
    public byte[] recordBytes() {
        byte[] b = new byte[record.remaining()];
        record.get(0, b);
        return b;
    }

    /** The index of the segment holding the current record. */
    public int segment() {
        return recSegment;
    }

    /** The file holding the current record. */
    public Path segmentFile() {
        return files.get(cur);
    }

    /** The byte offset of the current record's first fragment in its segment. */
    public long offset() {
        return recOffset;
    }

    /** Where the last segment is torn, once {@link #next()} returned false; null if it is not. */
    public TornTail tornTail() {
        return tornTail;
    }

    @Override
    public void close() throws IOException {
        closeSegment();
    }

    // ---- internals ----

    private boolean openNextSegment() throws IOException {
        if (cur + 1 >= files.size()) {
            return false;
        }
        cur++;
        ch = FileChannel.open(files.get(cur), StandardOpenOption.READ);
        pageStart = 0;
        pageLen = 0;
        pos = 0;
        eof = false;
        readPage();
        return true;
    }

    private void closeSegment() throws IOException {
        if (ch != null) {
            FileChannel c = ch;
            ch = null;
            c.close();
        }
    }

    /** Loads the next page; a short page (or none) means the end of the segment. */
    private void readPage() throws IOException {
        pageStart += pageLen;
        pageLen = 0;
        pos = 0;
        ByteBuffer bb = ByteBuffer.wrap(page);
        while (bb.hasRemaining()) {
            if (ch.read(bb) < 0) {
                eof = true;
                break;
            }
        }
        pageLen = bb.position();
        if (pageLen < Frame.PAGE_SIZE) {
            eof = true;
        }
    }

    /**
     * Damage at {@code at}: a torn tail (return false) or corruption (throw), as the class comment says.
     *
     * @param fragment  where the damaged fragment (or padding) starts: the cut when no record is open
     * @param truncated the segment ends inside the damaged record
     */
    private boolean damaged(long at, long fragment, boolean truncated, String what) throws IOException {
        Path file = files.get(cur);
        boolean finalSegment = cur == files.size() - 1 && tolerateTornTail;
        long cut = inRecord ? recOffset : fragment;
        if (finalSegment && (truncated || !validFragmentAfter(at))) {
            tornTail = new TornTail(file, indexes[cur], cut, what + " at offset " + at);
            LOG.log(System.Logger.Level.WARNING, "WAL segment {0} has a torn tail at offset {1} ({2}); "
                    + "records from there on were never acknowledged and are skipped", file, cut, what);
            closeSegment();
            return false;
        }
        String where = finalSegment
                ? "; valid records follow it in the segment, so this is not a torn write"
                : "; this is not the last segment, so records after it would be lost";
        throw new CorruptionException(file.toString(), at, "WAL " + what + where
                + ". Move the damaged segment and the later ones away to start the WAL from the last good record");
    }

    /** Whether a page after the one holding {@code at} starts with an intact, non-empty fragment. */
    private boolean validFragmentAfter(long at) throws IOException {
        long size = ch.size();
        byte[] hdr = new byte[Frame.PAGE_SIZE];
        for (long p = (at / Frame.PAGE_SIZE + 1) * Frame.PAGE_SIZE; p + Frame.HEADER_SIZE <= size; p += Frame.PAGE_SIZE) {
            ByteBuffer bb = ByteBuffer.wrap(hdr, 0, (int) Math.min(Frame.PAGE_SIZE, size - p));
            while (bb.hasRemaining()) {
                if (ch.read(bb, p + bb.position()) < 0) {
                    break;
                }
            }
            int n = bb.position();
            int kind = hdr[0] & Frame.KIND_MASK;
            if (kind < Frame.FULL || kind > Frame.LAST || n < Frame.HEADER_SIZE) {
                continue;
            }
            int len = ((hdr[1] & 0xFF) << 8) | (hdr[2] & 0xFF);
            if (len == 0 || Frame.HEADER_SIZE + len > n) {
                continue;
            }
            int want = ((hdr[3] & 0xFF) << 24) | ((hdr[4] & 0xFF) << 16) | ((hdr[5] & 0xFF) << 8) | (hdr[6] & 0xFF);
            CRC32C c = new CRC32C();
            c.update(hdr, Frame.HEADER_SIZE, len);
            if ((int) c.getValue() == want) {
                return true;
            }
        }
        return false;
    }
}
