package dev.cairn.tsdb.index;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.encoding.ByteWriter;
import dev.cairn.tsdb.labels.Labels;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes an index file in Prometheus's format v2, streaming: every symbol and series goes to disk
 * as it is added; only the postings (4 bytes per label pair of each series) and the symbol lookup
 * are held in memory until {@link #close()}.
 *
 * <p>Protocol, as Prometheus's index.Writer: all symbols first, each once, in UTF-8 byte order
 * ({@link #addSymbol}); then the series in {@link Utf8Order#LABELS} order ({@link #addSeries}),
 * every label string among the symbols; then {@link #close()} writes label indices, postings,
 * the two offset tables and the TOC and fsyncs. The section order and padding match what
 * Prometheus 2.42 writes, so the same input gives the same bytes. Not thread-safe.
 */
public final class IndexWriter implements Closeable {
    private enum Stage { SYMBOLS, SERIES, DONE }

    private final FileOutput out;
    private final ByteWriter entry = new ByteWriter(1 << 10);
    private final ByteWriter head = new ByteWriter(16);
    private final CRC32C crc = new CRC32C();

    private Stage stage = Stage.SYMBOLS;
    private final long symbolsStart;
    private final List<String> symbols = new ArrayList<>();
    private final Map<String, Integer> symbolRefs = new HashMap<>();
    private long seriesStart;

    private Labels lastSeries;
    /** Key: name symbol ref in the high 32 bits, value symbol ref in the low 32; value: series refs. */
    private final Map<Long, IntList> postings = new HashMap<>();
    private final IntList allPostings = new IntList();
    private long[] pairs = new long[16];
    private boolean closed;

    /** Creates (or truncates) {@code file}. */
    public IndexWriter(Path file) throws IOException {
        Files.deleteIfExists(file);
        this.out = new FileOutput(file, 1 << 20);
        out.writeBE32(IndexFormat.MAGIC);
        out.write(new byte[] {IndexFormat.V2});
        symbolsStart = out.position();
        // length and symbol count, patched when the last symbol is known
        out.write(new byte[8]);
    }

    public Path path() {
        return out.path();
    }

    /** @throws IllegalArgumentException when not strictly after the previous symbol in UTF-8 order */
    public void addSymbol(String symbol) throws IOException {
        if (stage != Stage.SYMBOLS) {
            throw new IllegalStateException("symbol " + Labels.quoted(symbol) + " added after the first series");
        }
        if (!symbols.isEmpty() && Utf8Order.compare(symbol, symbols.get(symbols.size() - 1)) <= 0) {
            throw new IllegalArgumentException("symbol " + Labels.quoted(symbol) + " added out of order after "
                    + Labels.quoted(symbols.get(symbols.size() - 1)) + "; symbols must be sorted and unique");
        }
        symbolRefs.put(symbol, symbols.size());
        symbols.add(symbol);
        entry.reset();
        entry.putUvarintString(symbol);
        out.write(entry.array(), 0, entry.length());
    }

    private void finishSymbols() throws IOException {
        long end = out.position();
        long len = end - symbolsStart - 4;
        if (len > 0xFFFFFFFFL) {
            throw new IOException(out.path() + ": symbol table of " + len + " bytes exceeds the format's 4 GiB");
        }
        head.reset();
        head.putBE32((int) len).putBE32(symbols.size());
        out.writeAt(symbolsStart, head.toByteArray());
        out.writeBE32(out.crc32c(symbolsStart + 4, end));
        seriesStart = out.position();
        stage = Stage.SERIES;
    }

    /**
     * Adds the next series with its chunks.
     *
     * @param labels non-empty, no empty name or value, every string added as a symbol, and after
     *               the previous series in {@link Utf8Order#LABELS} order
     * @param chunks sorted by time, not overlapping, each with minTime ≤ maxTime
     * @return the series ref (offset / 16) that postings will hold
     */
    public long addSeries(Labels labels, List<ChunkMeta> chunks) throws IOException {
        if (stage == Stage.SYMBOLS) {
            finishSymbols();
        } else if (stage == Stage.DONE) {
            throw new IllegalStateException("series added to a closed index writer");
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a series needs at least one label");
        }
        if (lastSeries != null && Utf8Order.compare(labels, lastSeries) <= 0) {
            throw new IllegalArgumentException("series " + labels + " added out of order after " + lastSeries);
        }
        out.pad(IndexFormat.SERIES_ALIGN);
        long offset = out.position();
        long ref = offset / IndexFormat.SERIES_ALIGN;
        if (ref > 0xFFFFFFFFL) {
            throw new IOException(out.path() + ": series at offset " + offset + " beyond the format's 64 GiB limit");
        }

        entry.reset();
        entry.putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            if (name.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("series " + labels + " has an empty label name or value");
            }
            int nameRef = symbolRef(name, labels);
            int valueRef = symbolRef(value, labels);
            entry.putUvarint(nameRef).putUvarint(valueRef);
            if (pairs.length <= i) {
                pairs = Arrays.copyOf(pairs, pairs.length * 2 + i);
            }
            pairs[i] = ((long) nameRef << 32) | valueRef;
        }
        entry.putUvarint(chunks.size());
        long prevMaxt = 0;
        long prevRef = 0;
        for (int i = 0; i < chunks.size(); i++) {
            ChunkMeta c = chunks.get(i);
            if (c.maxTime() < c.minTime()) {
                throw new IllegalArgumentException("chunk " + i + " of " + labels + " ends (" + c.maxTime()
                        + ") before it starts (" + c.minTime() + ")");
            }
            if (i == 0) {
                entry.putVarint(c.minTime()).putUvarint(c.maxTime() - c.minTime()).putUvarint(c.ref());
            } else {
                if (c.minTime() <= prevMaxt) {
                    throw new IllegalArgumentException("chunk " + i + " of " + labels + " starts at " + c.minTime()
                            + ", not after the previous chunk's end " + prevMaxt + "; chunks must be sorted and disjoint");
                }
                entry.putUvarint(c.minTime() - prevMaxt).putUvarint(c.maxTime() - c.minTime())
                        .putVarint(c.ref() - prevRef);
            }
            prevMaxt = c.maxTime();
            prevRef = c.ref();
        }
        int crc = entry.crc32c(0);
        head.reset();
        head.putUvarint(entry.length());
        out.write(head.array(), 0, head.length());
        out.write(entry.array(), 0, entry.length());
        out.writeBE32(crc);

        // only now that the series is valid and written may it enter the postings
        for (int i = 0; i < labels.size(); i++) {
            postings.computeIfAbsent(pairs[i], k -> new IntList()).add((int) ref);
        }
        allPostings.add((int) ref);
        lastSeries = labels;
        return ref;
    }

    private int symbolRef(String s, Labels series) {
        Integer r = symbolRefs.get(s);
        if (r == null) {
            throw new IllegalArgumentException("label string " + Labels.quoted(s) + " of series " + series
                    + " was not added as a symbol");
        }
        return r;
    }

    /** Writes the remaining sections and the TOC, fsyncs and closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (stage == Stage.SYMBOLS) {
                finishSymbols();
            }
            stage = Stage.DONE;
            long[] keys = sortedKeys();

            long labelIndices = out.position();
            List<long[]> labelIndexOffsets = writeLabelIndices(keys);

            long postingsToc = out.position();
            out.pad(IndexFormat.LIST_ALIGN);
            long allOffset = writePostingsList(allPostings);
            long[] offsets = new long[keys.length];
            for (int i = 0; i < keys.length; i++) {
                out.pad(IndexFormat.LIST_ALIGN);
                offsets[i] = writePostingsList(postings.get(keys[i]));
            }

            long labelTable = out.position();
            writeLabelOffsetTable(labelIndexOffsets);
            long postingsTable = out.position();
            writePostingsOffsetTable(keys, allOffset, offsets);

            head.reset();
            head.putBE64(symbolsStart).putBE64(seriesStart).putBE64(labelIndices).putBE64(labelTable)
                    .putBE64(postingsToc).putBE64(postingsTable);
            head.putBE32(head.crc32c(0));
            out.write(head.array(), 0, head.length());
            out.sync();
        } finally {
            out.close();
        }
    }

    private long[] sortedKeys() {
        long[] keys = new long[postings.size()];
        int i = 0;
        for (long k : postings.keySet()) {
            keys[i++] = k;
        }
        // symbol refs follow string order, so sorting the keys sorts by name, then value
        Arrays.sort(keys);
        return keys;
    }

    /** One label index per name: its values' symbol refs. Prometheus 2.x still writes them. */
    private List<long[]> writeLabelIndices(long[] keys) throws IOException {
        List<long[]> offsets = new ArrayList<>();
        int i = 0;
        while (i < keys.length) {
            int nameRef = (int) (keys[i] >>> 32);
            int j = i;
            while (j < keys.length && (int) (keys[j] >>> 32) == nameRef) {
                j++;
            }
            out.pad(IndexFormat.LIST_ALIGN);
            offsets.add(new long[] {nameRef, out.position()});
            entry.reset();
            entry.putBE32(8 + 4 * (j - i)).putBE32(1).putBE32(j - i);
            for (int k = i; k < j; k++) {
                entry.putBE32((int) keys[k]);
            }
            entry.putBE32(entry.crc32c(4));
            out.write(entry.array(), 0, entry.length());
            i = j;
        }
        return offsets;
    }

    private long writePostingsList(IntList refs) throws IOException {
        long offset = out.position();
        int n = refs.size();
        out.writeBE32(4 + 4 * n);
        crc.reset();
        entry.reset();
        entry.putBE32(n);
        for (int i = 0; i < n; i++) {
            entry.putBE32(refs.get(i));
            if (entry.length() >= 1 << 16) {
                flushEntry();
            }
        }
        flushEntry();
        out.writeBE32((int) crc.getValue());
        return offset;
    }

    /** Writes {@link #entry} out and adds it to the running {@link #crc}. */
    private void flushEntry() throws IOException {
        crc.update(entry.array(), 0, entry.length());
        out.write(entry.array(), 0, entry.length());
        entry.reset();
    }

    private void writeLabelOffsetTable(List<long[]> labelIndexOffsets) throws IOException {
        long start = beginTable(labelIndexOffsets.size());
        for (long[] e : labelIndexOffsets) {
            entry.putUvarint(1).putUvarintString(symbols.get((int) e[0])).putUvarint(e[1]);
            if (entry.length() >= 1 << 16) {
                flushEntry();
            }
        }
        endTable(start);
    }

    private void writePostingsOffsetTable(long[] keys, long allOffset, long[] offsets) throws IOException {
        long start = beginTable(keys.length + 1);
        entry.putUvarint(2).putUvarintString("").putUvarintString("").putUvarint(allOffset);
        for (int i = 0; i < keys.length; i++) {
            entry.putUvarint(2).putUvarintString(symbols.get((int) (keys[i] >>> 32)))
                    .putUvarintString(symbols.get((int) keys[i])).putUvarint(offsets[i]);
            if (entry.length() >= 1 << 16) {
                flushEntry();
            }
        }
        endTable(start);
    }

    /** Writes a placeholder length and the entry count; returns where the length goes. */
    private long beginTable(int count) throws IOException {
        long start = out.position();
        out.writeBE32(0);
        crc.reset();
        entry.reset();
        entry.putBE32(count);
        return start;
    }

    private void endTable(long start) throws IOException {
        flushEntry();
        long len = out.position() - start - 4;
        if (len > 0xFFFFFFFFL) {
            throw new IOException(out.path() + ": offset table at " + start + " exceeds 4 GiB");
        }
        head.reset();
        head.putBE32((int) len);
        out.writeAt(start, head.toByteArray());
        out.writeBE32((int) crc.getValue());
    }
}
