package dev.cairn.tsdb.index;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.SymbolTable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/*
 * The index header of a block in object storage, as Thanos's store gateway keeps one: the few parts
 * of an index file a query needs before it can read anything else - the TOC, the symbol table and the
 * postings offset table - fetched once with ranged reads and kept in memory. Everything else (postings
 * lists, series entries) stays in the bucket and is read by byte range on demand, which this class
 * computes and decodes but does not fetch.
 *
 * Where a postings list ends: the offset table gives only where each list starts. Lists lie one after
 * the other in the postings section, so a list ends at the next list's start (any 4-byte alignment
 * padding in between is harmless: the list's own length field says how much is data), and the last
 * one at the next section (the label offset table, or the postings offset table when there is none).
 * We sort all list offsets once when loading, so this holds whatever order a writer used.
 */
public final class IndexHeader {
    /** Reads {@code length} bytes at {@code offset} of the index file (a ranged GET). */
    @FunctionalInterface
    public interface RangeSource {
        byte[] read(long offset, int length) throws IOException;
    }

    private final String name;
    private final long size;
    private final Toc toc;
    private final Symbols symbols;
    private final PostingsTable table;
    private final long seriesEnd;
    /** Start offsets of every postings list, sorted, to find where each ends. */
    private final long[] listStarts;
    private final long postingsEnd;
    private final long residentBytes;

    private IndexHeader(String name, long size, Toc toc, Symbols symbols, PostingsTable table, long residentBytes) {
        this.name = name;
        this.size = size;
        this.toc = toc;
        this.symbols = symbols;
        this.table = table;
        this.residentBytes = residentBytes;
        long end = size - IndexFormat.TOC_LEN;
        this.seriesEnd = toc.labelIndices() != 0 ? toc.labelIndices()
                : toc.postings() != 0 ? toc.postings() : end;
        long[] starts = new long[16];
        int[] n = {0};
        long[][] holder = {starts};
        table.forEach((ln, lv, off, at) -> {
            if (n[0] == holder[0].length) {
                holder[0] = Arrays.copyOf(holder[0], n[0] * 2);
            }
            holder[0][n[0]++] = off;
        });
        this.listStarts = Arrays.copyOf(holder[0], n[0]);
        Arrays.sort(listStarts);
        this.postingsEnd = toc.labelIndicesTable() != 0 ? toc.labelIndicesTable() : toc.postingsTable();
    }

    /**
     * Reads the header, the TOC, the symbol table and the postings offset table of an index of
     * {@code size} bytes: four ranged reads, each section checked against its CRC32C.
     *
     * @param name     the index's name for errors (bucket and object)
     * @param interner shares label strings across blocks; null for none
     * @throws CorruptionException when a section is damaged or the file is not an index v2
     */
    public static IndexHeader read(RangeSource src, long size, String name, SymbolTable interner) throws IOException {
        if (size < IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) {
            throw new CorruptionException(name, 0, "index of " + size + " bytes is shorter than a header and a table of contents");
        }
        ByteReader h = ByteReader.of(src.read(0, IndexFormat.HEADER_LEN), name);
        int magic = h.getBE32();
        if (magic != IndexFormat.MAGIC) {
            throw new CorruptionException(name, 0, String.format(
                    "bad magic number 0x%08X, expected 0x%08X: not a Prometheus index file", magic, IndexFormat.MAGIC));
        }
        int version = h.getByte();
        if (version != IndexFormat.V2) {
            throw new CorruptionException(name, 4, "index format version " + version + " not supported; only v2 is");
        }
        long tocAt = size - IndexFormat.TOC_LEN;
        byte[] tocBytes = src.read(tocAt, IndexFormat.TOC_LEN);
        ByteReader r = new ByteReader(ByteBuffer.wrap(tocBytes), name, tocAt);
        if (tocBytes.length != IndexFormat.TOC_LEN) {
            throw new CorruptionException(name, tocAt, "table of contents truncated: " + tocBytes.length + " bytes");
        }
        int want = r.slice(IndexFormat.TOC_LEN - 4, 4).getBE32();
        if (r.crc32c(0, IndexFormat.TOC_LEN - 4) != want) {
            throw new CorruptionException(name, tocAt, "table of contents checksum mismatch");
        }
        long[] v = new long[6];
        for (int i = 0; i < 6; i++) {
            v[i] = r.getBE64();
            if (v[i] < 0 || v[i] > tocAt || (v[i] != 0 && v[i] < IndexFormat.HEADER_LEN)) {
                throw new CorruptionException(name, tocAt + 8L * i, "section offset " + v[i] + " outside of the file");
            }
        }
        Toc toc = new Toc(v[0], v[1], v[2], v[3], v[4], v[5]);
        if (toc.series() <= toc.symbols() || toc.postingsTable() == 0) {
            throw new CorruptionException(name, tocAt, "table of contents places the series before the symbols"
                    + " or has no postings offset table");
        }
        ByteReader symbolsBody = section(src, name, toc.symbols(), toc.series() - toc.symbols(), "symbol table");
        ByteReader tableBody = section(src, name, toc.postingsTable(), tocAt - toc.postingsTable(),
                "postings offset table");
        long resident = symbolsBody.limit() + tableBody.limit() + IndexFormat.TOC_LEN;
        return new IndexHeader(name, size, toc, new Symbols(symbolsBody, interner), new PostingsTable(tableBody), resident);
    }

    /** Reads {@code span} bytes at {@code at}: a 4-byte length, the body, its CRC32C; returns the checked body. */
    private static ByteReader section(RangeSource src, String name, long at, long span, String what) throws IOException {
        if (span < 8 || span > Integer.MAX_VALUE) {
            throw new CorruptionException(name, at, what + " spans " + span + " bytes, which cannot hold it"
                    + (span > Integer.MAX_VALUE ? " in one read (2 GiB or more)" : ""));
        }
        byte[] b = src.read(at, (int) span);
        ByteReader r = new ByteReader(ByteBuffer.wrap(b), name, at);
        long len = r.getBE32() & 0xFFFFFFFFL;
        if (len + 8 > b.length) {
            throw new CorruptionException(name, at, what + " of " + len + " bytes runs past its section ("
                    + b.length + " bytes)");
        }
        int want = r.slice(4 + (int) len, 4).getBE32();
        if (r.crc32c(4, (int) len) != want) {
            throw new CorruptionException(name, at, what + " checksum mismatch");
        }
        return r.slice(4, (int) len);
    }

    public String name() {
        return name;
    }

    /** Size of the whole index file. */
    public long size() {
        return size;
    }

    /** Bytes this header keeps in memory (symbols and postings offset table), for cache accounting. */
    public long residentBytes() {
        return residentBytes;
    }

    /** Every label name, sorted, without the all-postings key. */
    public List<String> labelNames() {
        List<String> names = table.names();
        if (!names.isEmpty() && names.get(0).isEmpty()) {
            return names.subList(1, names.size());
        }
        return names;
    }

    /** The values of label {@code name}, sorted; empty when no series has it. */
    public List<String> labelValues(String labelName) {
        return table.values(labelName);
    }

    /**
     * Byte range {@code [start, end)} of the file that holds the postings list of {@code name=value}
     * (the all-postings list for {@code "", ""}), or null when there is no such list.
     */
    public long[] postingsRange(String labelName, String value) {
        if (!table.hasName(labelName)) {
            return null;
        }
        long start = table.offset(labelName, PostingsTable.utf8(value));
        if (start < 0) {
            return null;
        }
        // the first list start after this one (an upper bound: robust to lists sharing an offset)
        int lo = 0;
        int hi = listStarts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (listStarts[mid] <= start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long end = lo < listStarts.length ? listStarts[lo] : postingsEnd;
        if (end <= start || end > size) {
            throw new CorruptionException(name, start, "postings list of " + labelName + "=" + value
                    + " has no room before the next section (ends at " + end + ")");
        }
        return new long[] {start, end};
    }

    /**
     * The postings list in {@code data[off, off+len)}, which was read from file offset {@code fileOffset}
     * (the start of a range from {@link #postingsRange}); checked against its CRC32C.
     */
    public Postings postings(byte[] data, int off, int len, long fileOffset) {
        ByteReader r = new ByteReader(ByteBuffer.wrap(data, off, len).slice(), name, fileOffset);
        long n = r.getBE32() & 0xFFFFFFFFL;
        if (n + 8 > len) {
            throw new CorruptionException(name, fileOffset, "postings list of " + n + " bytes runs past its "
                    + len + "-byte range");
        }
        int want = r.slice(4 + (int) n, 4).getBE32();
        if (r.crc32c(4, (int) n) != want) {
            throw new CorruptionException(name, fileOffset, "postings list checksum mismatch");
        }
        int count = r.getBE32();
        if (count < 0 || (long) count * 4 + 4 != n) {
            throw new CorruptionException(name, fileOffset, "postings list of " + n + " bytes cannot hold "
                    + Integer.toUnsignedString(count) + " 4-byte refs");
        }
        return count == 0 ? Postings.EMPTY : new BigEndianPostings(r.buffer(), 8, count);
    }

    /** First byte of the series section. */
    public long seriesStart() {
        return toc.series();
    }

    /** End (exclusive) of the series section: no series entry reaches past it. */
    public long seriesEnd() {
        return seriesEnd;
    }

    /** Whether {@code ref} (from postings) addresses the series section. */
    public boolean validSeriesRef(long ref) {
        long off = ref * IndexFormat.SERIES_ALIGN;
        return ref >= 0 && ref <= 0xFFFFFFFFL && off >= toc.series() && off < seriesEnd;
    }

    /**
     * Decodes the series entry that starts at {@code data[off]} (file offset {@code ref × 16}), of which
     * {@code len} bytes were read.
     *
     * @return 0 when decoded into {@code into}; otherwise the number of bytes the entry needs from its
     *         start (read that many and call again)
     * @throws CorruptionException when the entry fails its checksum or does not decode
     */
    public int series(long ref, byte[] data, int off, int len, SeriesBuilder into) {
        long fileOffset = ref * IndexFormat.SERIES_ALIGN;
        ByteReader r = new ByteReader(ByteBuffer.wrap(data, off, len).slice(), name, fileOffset);
        long bodyLen = 0;
        int shift = 0;
        int p = 0;
        while (true) {
            if (p >= len) {
                return Math.max(len + 16, 16);
            }
            int b = data[off + p++] & 0xFF;
            bodyLen |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                break;
            }
            shift += 7;
            if (shift > 35) {
                throw r.corrupt("series entry length does not decode");
            }
        }
        long need = p + bodyLen + 4;
        if (fileOffset + need > seriesEnd) {
            throw new CorruptionException(name, fileOffset, "series entry of " + bodyLen
                    + " bytes runs past the series section");
        }
        if (need > len) {
            return (int) need;
        }
        int want = r.slice(p + (int) bodyLen, 4).getBE32();
        if (r.crc32c(p, (int) bodyLen) != want) {
            throw new CorruptionException(name, fileOffset, "series entry checksum mismatch (ref " + ref + ")");
        }
        IndexReader.decodeSeries(r.slice(p, (int) bodyLen), symbols, into);
        return 0;
    }
}
