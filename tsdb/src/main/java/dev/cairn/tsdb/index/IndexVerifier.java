package dev.cairn.tsdb.index;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks every section of an index file in file order and checks what reading alone would not:
 * checksums of sections queries never touch (label indices, the label offset table), that padding
 * is zero, that sections abut, that every offset in the tables points at an entry of the right
 * kind, and that the all-postings list names exactly the series in the file.
 */
final class IndexVerifier {
    private final IndexBytes file;
    private final Toc toc;
    private final Symbols symbols;
    private final PostingsTable table;
    private final IndexReader reader;

    IndexVerifier(IndexBytes file, Toc toc, Symbols symbols, PostingsTable table, IndexReader reader) {
        this.file = file;
        this.toc = toc;
        this.symbols = symbols;
        this.table = table;
        this.reader = reader;
    }

    void run() {
        long symbolsEnd = toc.symbols() + 8 + IndexReader.section(file, toc.symbols(), "symbol table").limit();
        expectAt(toc.symbols(), IndexFormat.HEADER_LEN, "symbol table");
        expectAt(toc.series(), symbolsEnd, "series section");

        // series, 16-byte aligned
        // both grow in ascending order, so membership is a binary search
        long[] seriesRefs = new long[1024];
        int nSeries = 0;
        SeriesBuilder sb = new SeriesBuilder();
        long pos = toc.series();
        long seriesEnd = reader.seriesEnd();
        while (pos < seriesEnd) {
            pos = skipPadding(pos, IndexFormat.SERIES_ALIGN, seriesEnd);
            if (pos >= seriesEnd) {
                break;
            }
            long ref = pos / IndexFormat.SERIES_ALIGN;
            reader.series(ref, sb);
            if (nSeries == seriesRefs.length) {
                seriesRefs = Arrays.copyOf(seriesRefs, nSeries * 2);
            }
            seriesRefs[nSeries++] = ref;
            ByteReader r = file.rangeFrom(pos, seriesEnd);
            int len = r.getUvarintInt();
            pos += r.position() + len + 4;
        }
        if (pos != seriesEnd) {
            throw new CorruptionException(file.name(), seriesEnd, "last series entry runs past the series section");
        }

        // label indices, 4-byte aligned, until the postings
        Map<Long, List<String>> labelIndices = new HashMap<>();
        pos = toc.labelIndices();
        while (pos < toc.postings()) {
            pos = skipPadding(pos, IndexFormat.LIST_ALIGN, toc.postings());
            if (pos >= toc.postings()) {
                break;
            }
            ByteReader body = IndexReader.section(file, pos, "label index");
            int names = body.getBE32();
            int entries = body.getBE32();
            if (names != 1 || entries < 0 || (long) entries * 4 != body.remaining()) {
                throw new CorruptionException(file.name(), pos, "label index with " + names + " names and "
                        + entries + " entries in " + body.remaining() + " bytes");
            }
            List<String> values = new ArrayList<>(entries);
            for (int i = 0; i < entries; i++) {
                long at = body.base() + body.position();
                values.add(symbols.lookup(body.getBE32() & 0xFFFFFFFFL, at));
            }
            labelIndices.put(pos, values);
            pos += 8 + body.limit();
        }
        expectAt(pos, toc.postings(), "end of the label indices");

        // postings lists, 4-byte aligned, until the label offset table
        long[] listStarts = new long[1024];
        int nLists = 0;
        pos = toc.postings();
        while (pos < toc.labelIndicesTable()) {
            pos = skipPadding(pos, IndexFormat.LIST_ALIGN, toc.labelIndicesTable());
            if (pos >= toc.labelIndicesTable()) {
                break;
            }
            ByteReader body = IndexReader.section(file, pos, "postings list");
            int n = body.getBE32();
            if (n < 0 || (long) n * 4 != body.remaining()) {
                throw new CorruptionException(file.name(), pos, "postings list of " + body.remaining() + " bytes for " + n + " refs");
            }
            long prev = -1;
            for (int i = 0; i < n; i++) {
                long ref = body.getBE32() & 0xFFFFFFFFL;
                if (ref <= prev || Arrays.binarySearch(seriesRefs, 0, nSeries, ref) < 0) {
                    throw new CorruptionException(file.name(), body.base() + body.position() - 4,
                            "postings ref " + ref + " out of order or not a series");
                }
                prev = ref;
            }
            if (nLists == listStarts.length) {
                listStarts = Arrays.copyOf(listStarts, nLists * 2);
            }
            listStarts[nLists++] = pos;
            pos += 8 + body.limit();
        }
        expectAt(pos, toc.labelIndicesTable(), "end of the postings lists");

        // label offset table: each entry names a label index holding exactly the name's values
        ByteReader lt = IndexReader.section(file, toc.labelIndicesTable(), "label offset table");
        int count = lt.getBE32();
        for (int i = 0; i < count; i++) {
            long at = lt.base() + lt.position();
            if (lt.getUvarint() != 1) {
                throw new CorruptionException(file.name(), at, "label offset table entry with a key count other than 1");
            }
            String name = lt.getUvarintString();
            long off = lt.getUvarint();
            List<String> values = labelIndices.get(off);
            if (values == null || !values.equals(table.values(name))) {
                throw new CorruptionException(file.name(), at, "label offset table entry for " + name
                        + " does not point at a label index holding its values");
            }
        }
        if (lt.remaining() != 0 || count != labelIndices.size()) {
            throw new CorruptionException(file.name(), toc.labelIndicesTable(), "label offset table has "
                    + count + " entries for " + labelIndices.size() + " label indices");
        }
        expectAt(toc.postingsTable(), toc.labelIndicesTable() + 8 + lt.limit(), "postings offset table");

        // postings offset table: every offset points at a postings list
        long[] starts = listStarts;
        int nStarts = nLists;
        table.forEach((name, value, offset, entryAt) -> {
            if (Arrays.binarySearch(starts, 0, nStarts, offset) < 0) {
                throw new CorruptionException(file.name(), entryAt, "postings offset " + offset + " of "
                        + name + "=" + value + " is not the start of a postings list");
            }
        });
        long tableEnd = toc.postingsTable() + 8 + IndexReader.section(file, toc.postingsTable(), "postings offset table").limit();
        expectAt(file.size() - IndexFormat.TOC_LEN, tableEnd, "table of contents");

        long[] all = ListPostings.expand(reader.allPostings());
        if (all.length != nSeries) {
            throw new CorruptionException(file.name(), toc.postingsTable(), "all-postings list has " + all.length
                    + " refs for " + nSeries + " series");
        }
    }

    private long skipPadding(long pos, int align, long end) {
        while (pos % align != 0 && pos < end) {
            if (file.range(pos, 1).getByte() != 0) {
                throw new CorruptionException(file.name(), pos, "non-zero padding byte");
            }
            pos++;
        }
        return pos;
    }

    private void expectAt(long actual, long expected, String what) {
        if (actual != expected) {
            throw new CorruptionException(file.name(), actual, what + " at offset " + actual + ", expected " + expected);
        }
    }
}
