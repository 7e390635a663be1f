package dev.cairn.tsdb.index;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.SymbolTable;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an index file of format v2 (what Prometheus 2.x and 3.x write), memory-mapped.
 *
 * <p>Opening checks the header, the TOC, the symbol table and the postings offset table, each
 * against its CRC32C. Series entries and postings lists are checked against their own CRC32C
 * when read, so a damaged byte surfaces as a {@link CorruptionException} naming the file and
 * offset, never as a wrong answer; {@link #verify()} checks every section at once (the label
 * indices, which reading never uses, included).
 *
 * <p>Thread-safe: all reads are absolute and the symbol cache tolerates races. Files of 2 GiB and
 * more are mapped in overlapping 2 GiB windows ({@link IndexBytes}); a single section over 1 GiB
 * in such a file is refused. After {@link #close()} no method may be called.
 */
public final class IndexReader implements PostingsIndex, Closeable {
    private final IndexBytes bytes;
    private final Toc toc;
    private final Symbols symbols;
    private final PostingsTable table;
    private final long seriesEnd;

    private IndexReader(IndexBytes bytes, SymbolTable interner) {
        this.bytes = bytes;
        if (bytes.size() < IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) {
            throw new CorruptionException(bytes.name(), 0, "index of " + bytes.size()
                    + " bytes is shorter than a header and a table of contents");
        }
        ByteReader h = bytes.range(0, IndexFormat.HEADER_LEN);
        int magic = h.getBE32();
        if (magic != IndexFormat.MAGIC) {
            throw new CorruptionException(bytes.name(), 0, String.format(
                    "bad magic number 0x%08X, expected 0x%08X: not a Prometheus index file", magic, IndexFormat.MAGIC));
        }
        int version = h.getByte();
        if (version == IndexFormat.V1) {
            throw new CorruptionException(bytes.name(), 4, "index format v1 not supported; only v2 is. "
                    + "Rewrite the block with a current Prometheus (compaction does) before using it");
        }
        if (version != IndexFormat.V2) {
            throw new CorruptionException(bytes.name(), 4, "unknown index format version " + version + "; only v2 is supported");
        }
        this.toc = readToc(bytes);
        this.symbols = new Symbols(section(bytes, toc.symbols(), "symbol table"), interner);
        this.table = new PostingsTable(section(bytes, toc.postingsTable(), "postings offset table"));
        long end = bytes.size() - IndexFormat.TOC_LEN;
        this.seriesEnd = toc.labelIndices() != 0 ? toc.labelIndices() : end;
    }

    /** Maps and checks {@code path}. */
    public static IndexReader open(Path path) throws IOException {
        return open(path, null);
    }

    /** @param interner shares label strings with other readers and the head; null for none */
    public static IndexReader open(Path path, SymbolTable interner) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new IndexReader(IndexBytes.map(ch, path.toString()), interner);
        }
    }

    /** Maps {@code path} in overlapping windows of {@code 2 × step} bytes, as files of 2 GiB and more are. */
    static IndexReader openWindowed(Path path, long step) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new IndexReader(IndexBytes.mapWindows(ch, path.toString(), ch.size(), step), null);
        }
    }

    /** Over bytes already in memory (a downloaded object, a test); {@code name} is used in errors. */
    public static IndexReader of(ByteBuffer bytes, String name, SymbolTable interner) {
        return new IndexReader(IndexBytes.of(bytes, name), interner);
    }

    private static Toc readToc(IndexBytes bytes) {
        long at = bytes.size() - IndexFormat.TOC_LEN;
        ByteReader r = bytes.range(at, IndexFormat.TOC_LEN);
        int want = r.slice(IndexFormat.TOC_LEN - 4, 4).getBE32();
        if (r.crc32c(0, IndexFormat.TOC_LEN - 4) != want) {
            throw new CorruptionException(bytes.name(), at, "table of contents checksum mismatch");
        }
        long[] v = new long[6];
        for (int i = 0; i < 6; i++) {
            v[i] = r.getBE64();
            if (v[i] < 0 || v[i] > at || (v[i] != 0 && v[i] < IndexFormat.HEADER_LEN)) {
                throw new CorruptionException(bytes.name(), at + 8L * i, "section offset " + v[i] + " outside of the file");
            }
        }
        return new Toc(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /**
     * A section made of a 4-byte length, that many bytes and their CRC32C: checks the checksum and
     * returns the body.
     */
    static ByteReader section(IndexBytes bytes, long at, String what) {
        if (at < 0 || at > bytes.size() - 8) {
            throw new CorruptionException(bytes.name(), Math.max(at, 0), what + " starts past the end of the file");
        }
        long len = bytes.range(at, 4).getBE32() & 0xFFFFFFFFL;
        if (at + 4 + len + 4 > bytes.size()) {
            throw new CorruptionException(bytes.name(), at, what + " of " + len
                    + " bytes runs past the end of the file (" + bytes.size() + " bytes)");
        }
        ByteReader r = bytes.range(at + 4, len + 4);
        int body = (int) len;
        int want = r.slice(body, 4).getBE32();
        if (r.crc32c(0, body) != want) {
            throw new CorruptionException(bytes.name(), at, what + " checksum mismatch");
        }
        return r.slice(0, body);
    }

    public String file() {
        return bytes.name();
    }

    public long size() {
        return bytes.size();
    }

    public int symbolCount() {
        return symbols.size();
    }

    /** Every symbol, sorted. */
    public List<String> symbols() {
        List<String> out = new ArrayList<>(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            out.add(symbols.lookup(i, toc.symbols()));
        }
        return out;
    }

    @Override
    public List<String> labelNames() {
        List<String> names = table.names();
        if (!names.isEmpty() && names.get(0).isEmpty()) {
            return names.subList(1, names.size());
        }
        return names;
    }

    @Override
    public List<String> labelValues(String name) {
        return table.values(name);
    }

    @Override
    public Postings postings(String name, List<String> values) {
        if (!table.hasName(name) || values.isEmpty()) {
            return Postings.EMPTY;
        }
        if (values.size() == 1) {
            return postingsAt(table.offset(name, PostingsTable.utf8(values.get(0))));
        }
        List<Postings> lists = new ArrayList<>(values.size());
        for (String v : values) {
            Postings p = postingsAt(table.offset(name, PostingsTable.utf8(v)));
            if (p != Postings.EMPTY) {
                lists.add(p);
            }
        }
        return MergedPostings.of(lists);
    }

    @Override
    public Postings postings(String name, String... values) {
        return postings(name, Arrays.asList(values));
    }

    @Override
    public Postings allPostings() {
        return postings("", List.of(""));
    }

    private Postings postingsAt(long off) {
        if (off < 0) {
            return Postings.EMPTY;
        }
        ByteReader body = section(bytes, off, "postings list");
        int n = body.getBE32();
        if (n < 0 || (long) n * 4 != body.remaining()) {
            throw new CorruptionException(bytes.name(), off, "postings list of " + body.remaining()
                    + " bytes cannot hold " + Integer.toUnsignedString(n) + " 4-byte refs");
        }
        if (n == 0) {
            return Postings.EMPTY;
        }
        return new BigEndianPostings(body.buffer(), 4, n);
    }

    /**
     * Fills {@code into} with the series at {@code ref} (a value from postings).
     *
     * @return false when {@code ref} lies outside the series section
     * @throws CorruptionException when the entry fails its checksum or does not decode
     */
    public boolean series(long ref, SeriesBuilder into) {
        long off = ref * IndexFormat.SERIES_ALIGN;
        if (ref < 0 || off < toc.series() || off >= seriesEnd || ref > 0xFFFFFFFFL) {
            return false;
        }
        ByteReader r = bytes.rangeFrom(off, seriesEnd);
        int len = r.getUvarintInt();
        int bodyAt = r.position();
        if (len > r.remaining() - 4) {
            throw r.corrupt("series entry of " + len + " bytes runs past the series section");
        }
        int want = r.slice(bodyAt + len, 4).getBE32();
        if (r.crc32c(bodyAt, len) != want) {
            throw new CorruptionException(bytes.name(), off, "series entry checksum mismatch (ref " + ref + ")");
        }
        decodeSeries(r.slice(bodyAt, len), symbols, into);
        return true;
    }

    /** Decodes a series entry's body (after its length, checksum already checked) into {@code into}. */
    static void decodeSeries(ByteReader d, Symbols symbols, SeriesBuilder into) {
        into.reset();
        int k = d.getUvarintInt();
        if (k > d.remaining() / 2) {
            throw d.corrupt("series label count " + k + " impossible for " + d.remaining() + " bytes");
        }
        String[] kv = new String[2 * k];
        long lastName = -1;
        for (int i = 0; i < k; i++) {
            long at = d.base() + d.position();
            long nameRef = d.getUvarint();
            long valueRef = d.getUvarint();
            if (nameRef <= lastName) {
                throw new CorruptionException(d.file(), at, "series label names not sorted and unique");
            }
            lastName = nameRef;
            kv[2 * i] = symbols.lookup(nameRef, at);
            kv[2 * i + 1] = symbols.lookup(valueRef, at);
        }
        into.labels(Labels.ofSorted(kv));
        int n = d.getUvarintInt();
        if (n > d.remaining() / 3) {
            throw d.corrupt("series chunk count " + n + " impossible for " + d.remaining() + " bytes");
        }
        long t0 = 0;
        long ref = 0;
        for (int i = 0; i < n; i++) {
            long mint;
            if (i == 0) {
                mint = d.getVarint();
                long maxt = mint + d.getUvarint();
                ref = d.getUvarint();
                into.addChunk(new ChunkMeta(ref, mint, maxt));
                t0 = maxt;
            } else {
                mint = t0 + d.getUvarint();
                long maxt = mint + d.getUvarint();
                ref += d.getVarint();
                into.addChunk(new ChunkMeta(ref, mint, maxt));
                t0 = maxt;
            }
        }
        if (d.remaining() != 0) {
            throw d.corrupt(d.remaining() + " bytes left over after the series entry");
        }
    }

    /** Checks every section of the file; throws {@link CorruptionException} at the first problem. */
    public void verify() {
        new IndexVerifier(bytes, toc, symbols, table, this).run();
    }

    Toc toc() {
        return toc;
    }

    long seriesEnd() {
        return seriesEnd;
    }

    /** Drops the mapping (the JVM unmaps it once unreachable). */
    @Override
    public void close() {
        // nothing to release explicitly: Java 17 has no supported way to unmap
    }
}
