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
 * more are not supported yet (one mapping). After {@link #close()} no method may be called.
 */
public final class IndexReader implements PostingsIndex, Closeable {
    private final ByteReader file;
    private final Toc toc;
    private final Symbols symbols;
    private final PostingsTable table;
    private final long seriesEnd;

    private IndexReader(ByteReader file, SymbolTable interner) {
        this.file = file;
        if (file.limit() < IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) {
            throw new CorruptionException(file.file(), 0, "index of " + file.limit()
                    + " bytes is shorter than a header and a table of contents");
        }
        ByteReader h = file.slice(0, IndexFormat.HEADER_LEN);
        int magic = h.getBE32();
        if (magic != IndexFormat.MAGIC) {
            throw new CorruptionException(file.file(), 0, String.format(
                    "bad magic number 0x%08X, expected 0x%08X: not a Prometheus index file", magic, IndexFormat.MAGIC));
        }
        int version = h.getByte();
        if (version == IndexFormat.V1) {
            throw new CorruptionException(file.file(), 4, "index format v1 not supported; only v2 is. "
                    + "Rewrite the block with a current Prometheus (compaction does) before using it");
        }
        if (version != IndexFormat.V2) {
            throw new CorruptionException(file.file(), 4, "unknown index format version " + version + "; only v2 is supported");
        }
        this.toc = readToc(file);
        this.symbols = new Symbols(file, toc.symbols(), interner);
        this.table = new PostingsTable(file, toc.postingsTable());
        long end = file.limit() - IndexFormat.TOC_LEN;
        this.seriesEnd = toc.labelIndices() != 0 ? toc.labelIndices() : end;
    }

    /** Maps and checks {@code path}. */
    public static IndexReader open(Path path) throws IOException {
        return open(path, null);
    }

    /** @param interner shares label strings with other readers and the head; null for none */
    public static IndexReader open(Path path, SymbolTable interner) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size >= Integer.MAX_VALUE) {
                throw new IOException(path + ": index files of 2 GiB and more (" + size + " bytes) are not supported yet");
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new IndexReader(new ByteReader(buf, path.toString(), 0), interner);
        }
    }

    /** Over bytes already in memory (a downloaded object, a test); {@code name} is used in errors. */
    public static IndexReader of(ByteBuffer bytes, String name, SymbolTable interner) {
        return new IndexReader(new ByteReader(bytes.slice(), name, 0), interner);
    }

    private static Toc readToc(ByteReader file) {
        int at = file.limit() - IndexFormat.TOC_LEN;
        ByteReader r = file.slice(at, IndexFormat.TOC_LEN);
        int want = file.slice(at + IndexFormat.TOC_LEN - 4, 4).getBE32();
        if (r.crc32c(0, IndexFormat.TOC_LEN - 4) != want) {
            throw new CorruptionException(file.file(), at, "table of contents checksum mismatch");
        }
        long[] v = new long[6];
        for (int i = 0; i < 6; i++) {
            v[i] = r.getBE64();
            if (v[i] < 0 || v[i] > at || (v[i] != 0 && v[i] < IndexFormat.HEADER_LEN)) {
                throw new CorruptionException(file.file(), at + 8L * i, "section offset " + v[i] + " outside of the file");
            }
        }
        return new Toc(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /**
     * A section made of a 4-byte length, that many bytes and their CRC32C: checks the checksum and
     * returns the body.
     */
    static ByteReader section(ByteReader file, long at, String what) {
        if (at < 0 || at > file.limit() - 8) {
            throw new CorruptionException(file.file(), at, what + " starts past the end of the file");
        }
        int len = file.slice((int) at, 4).getBE32();
        if (len < 0 || at + 4 + len + 4 > file.limit()) {
            throw new CorruptionException(file.file(), at, what + " of " + Integer.toUnsignedString(len)
                    + " bytes runs past the end of the file (" + file.limit() + " bytes)");
        }
        int body = (int) at + 4;
        int want = file.slice(body + len, 4).getBE32();
        if (file.crc32c(body, len) != want) {
            throw new CorruptionException(file.file(), at, what + " checksum mismatch");
        }
        return file.slice(body, len);
    }

    public String file() {
        return file.file();
    }

    public long size() {
        return file.limit();
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
        ByteReader body = section(file, off, "postings list");
        int n = body.getBE32();
        if (n < 0 || (long) n * 4 != body.remaining()) {
            throw new CorruptionException(file.file(), off, "postings list of " + body.remaining()
                    + " bytes cannot hold " + Integer.toUnsignedString(n) + " 4-byte refs");
        }
        if (n == 0) {
            return Postings.EMPTY;
        }
        return new BigEndianPostings(file.buffer(), (int) (body.base() - file.base()) + 4, n);
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
        ByteReader r = file.slice((int) off, (int) (seriesEnd - off));
        int len = r.getUvarintInt();
        int bodyAt = r.position();
        if (len > r.remaining() - 4) {
            throw r.corrupt("series entry of " + len + " bytes runs past the series section");
        }
        int want = r.slice(bodyAt + len, 4).getBE32();
        if (r.crc32c(bodyAt, len) != want) {
            throw new CorruptionException(file.file(), off, "series entry checksum mismatch (ref " + ref + ")");
        }
        decodeSeries(r.slice(bodyAt, len), into);
        return true;
    }

    private void decodeSeries(ByteReader d, SeriesBuilder into) {
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
                throw new CorruptionException(file.file(), at, "series label names not sorted and unique");
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
        new IndexVerifier(file, toc, symbols, table, this).run();
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
