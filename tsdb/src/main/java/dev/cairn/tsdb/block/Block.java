package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.chunk.ChunkSegmentReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import dev.cairn.tsdb.index.IndexReader;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.SeriesBuilder;
import dev.cairn.tsdb.labels.SymbolTable;
import dev.cairn.tsdb.storage.Querier;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An open, immutable block directory: {@code meta.json}, {@code index}, {@code chunks/} and
 * {@code tombstones}, as Prometheus lays it out.
 *
 * <p>{@link #open} reads meta.json, maps the index and checks its table of contents, maps the chunk
 * segments and checks their headers, and reads the tombstones; anything missing or damaged is a
 * {@link CorruptionException} naming the file. {@link #verify()} goes further and reads every
 * series and chunk. Queries ({@link #querier}) check the checksums of what they touch.
 * Thread-safe for reading; {@link #close()} once no querier is in use.
 */
public final class Block implements Closeable {
    public static final String INDEX_FILE = "index";
    public static final String CHUNKS_DIR = "chunks";

    private final Path dir;
    private final BlockMeta meta;
    private final IndexReader index;
    private final ChunkSegmentReader chunks;
    private final Tombstones tombstones;

    private Block(Path dir, BlockMeta meta, IndexReader index, ChunkSegmentReader chunks, Tombstones tombstones) {
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.chunks = chunks;
        this.tombstones = tombstones;
    }

    /** Opens the block in {@code dir}. */
    public static Block open(Path dir) throws IOException {
        return open(dir, null);
    }

    /** @param interner shares label strings between blocks; null for none */
    public static Block open(Path dir, SymbolTable interner) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a block directory");
        }
        BlockMeta meta = MetaJson.read(dir);
        Path indexFile = dir.resolve(INDEX_FILE);
        if (!Files.isRegularFile(indexFile)) {
            throw new CorruptionException(indexFile.toString(), -1, "index file is missing; the block is incomplete");
        }
        IndexReader index = IndexReader.open(indexFile, interner);
        Path chunksDir = dir.resolve(CHUNKS_DIR);
        if (!Files.isDirectory(chunksDir)) {
            throw new CorruptionException(chunksDir.toString(), -1, "chunks directory is missing; the block is incomplete");
        }
        ChunkSegmentReader chunks = ChunkSegmentReader.open(chunksDir);
        Tombstones tombstones = TombstonesFile.read(dir);
        return new Block(dir, meta, index, chunks, tombstones);
    }

    public Path dir() {
        return dir;
    }

    public BlockMeta meta() {
        return meta;
    }

    public IndexReader index() {
        return index;
    }

    public ChunkSegmentReader chunks() {
        return chunks;
    }

    public Tombstones tombstones() {
        return tombstones;
    }

    /** Reads series over [mint, maxt] (inclusive) of this block, deleted intervals removed. */
    public Querier querier(long mint, long maxt) {
        return new BlockQuerier(this, mint, maxt);
    }

    /** Every series with its chunk metas, in index order. */
    public ChunkSeriesCursor chunkSeries() {
        return new ChunkSeriesCursor(this);
    }

    /** A querier over the block's whole range. */
    public Querier querier() {
        return querier(meta.minTime(), meta.maxTime() - 1);
    }

    /**
     * Reads every series entry and every chunk, decoding all samples, and checks them against
     * meta.json: chunk times within the block and matching their samples, counts as recorded.
     *
     * @throws CorruptionException at the first problem, naming the file
     */
    public void verify() {
        index.verify();
        Postings p = index.allPostings();
        SeriesBuilder sb = new SeriesBuilder();
        ChunkIterator reuse = null;
        long series = 0;
        long samples = 0;
        long numChunks = 0;
        String indexName = dir.resolve(INDEX_FILE).toString();
        while (p.next()) {
            long ref = p.at();
            if (!index.series(ref, sb)) {
                throw new CorruptionException(indexName, ref * 16, "postings list series ref " + ref
                        + " outside the series section");
            }
            series++;
            long prevMax = Long.MIN_VALUE;
            boolean first = true;
            for (ChunkMeta cm : sb.chunks()) {
                numChunks++;
                if (cm.minTime() > cm.maxTime() || (!first && cm.minTime() <= prevMax)) {
                    throw new CorruptionException(indexName, ref * 16, "series " + sb.labels() + " has chunk ["
                            + cm.minTime() + ", " + cm.maxTime() + "] out of order");
                }
                if (cm.minTime() < meta.minTime() || cm.maxTime() >= meta.maxTime()) {
                    throw new CorruptionException(indexName, ref * 16, "series " + sb.labels() + " has chunk ["
                            + cm.minTime() + ", " + cm.maxTime() + "] outside the block range [" + meta.minTime()
                            + ", " + meta.maxTime() + ")");
                }
                first = false;
                prevMax = cm.maxTime();
                Chunk c = chunks.chunk(cm.ref());
                ChunkIterator it = c.iterator(reuse);
                reuse = it;
                long n = 0;
                long firstT = 0;
                long lastT = 0;
                while (it.next()) {
                    if (n == 0) {
                        firstT = it.atT();
                    } else if (it.atT() <= lastT) {
                        throw new CorruptionException(dir.resolve(CHUNKS_DIR).toString(), cm.offset(), "chunk of "
                                + sb.labels() + " has timestamps out of order: " + it.atT() + " after " + lastT);
                    }
                    lastT = it.atT();
                    n++;
                }
                if (n == 0 || firstT != cm.minTime() || lastT != cm.maxTime()) {
                    throw new CorruptionException(dir.resolve(CHUNKS_DIR).toString(), cm.offset(), "chunk of "
                            + sb.labels() + " spans [" + firstT + ", " + lastT + "] with " + n
                            + " samples but the index says [" + cm.minTime() + ", " + cm.maxTime() + "]");
                }
                samples += n;
            }
        }
        BlockStats s = meta.stats();
        String metaName = dir.resolve(MetaJson.FILENAME).toString();
        if (s.numSeries() != 0 && s.numSeries() != series) {
            throw new CorruptionException(metaName, -1, "stats.numSeries " + s.numSeries() + " but the index has " + series);
        }
        if (s.numChunks() != 0 && s.numChunks() != numChunks) {
            throw new CorruptionException(metaName, -1, "stats.numChunks " + s.numChunks() + " but the index has " + numChunks);
        }
        if (s.numSamples() != 0 && s.numSamples() != samples) {
            throw new CorruptionException(metaName, -1, "stats.numSamples " + s.numSamples() + " but the chunks hold "
                    + samples);
        }
    }

    @Override
    public void close() {
        index.close();
        chunks.close();
    }

    @Override
    public String toString() {
        return "block " + meta.ulid() + " [" + meta.minTime() + ", " + meta.maxTime() + ") at " + dir;
    }
}
