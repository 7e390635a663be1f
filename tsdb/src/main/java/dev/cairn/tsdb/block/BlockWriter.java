package dev.cairn.tsdb.block;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.chunk.ChunkSegmentWriter;
import dev.cairn.tsdb.index.IndexWriter;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Series;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes one block directory from series given in label order (Go's UTF-8 order,
 * {@link Utf8Order#LABELS}), each either as samples, cut into XOR chunks by {@link ChunkCutter}
 * like Prometheus's head, or as ready chunks (compaction copies them unchanged).
 *
 * <p><b>Crash order.</b> Everything is written under {@code <parent>/<ULID>.tmp-for-creation}, the
 * name Prometheus uses (and deletes on start-up, as {@link BlockDir} skips it):
 * <ol>
 *   <li>{@code chunks/000001...} as series arrive; fsynced when the series end;</li>
 *   <li>{@code index} at {@link #commit()} (it needs every symbol first, so labels and chunk refs are
 *       held in memory until then: a few dozen bytes per series plus 24 per chunk); fsynced;</li>
 *   <li>{@code tombstones}, empty, fsynced;</li>
 *   <li>{@code meta.json} last, fsynced: a directory with a meta.json has everything else;</li>
 *   <li>the tmp directory is fsynced, renamed to {@code <parent>/<ULID>}, and {@code parent} fsynced.</li>
 * </ol>
 * A crash before the rename leaves only a {@code .tmp-for-creation} directory, never a block that
 * looks complete; after it, the block is whole. {@link #close()} without {@link #commit()} deletes the
 * tmp directory. Not thread-safe.
 */
public final class BlockWriter implements Closeable {
    public static final String TMP_SUFFIX = ".tmp-for-creation";

    /**
     * What the block is and how to write it.
     *
     * @param ulid       the block's name
     * @param chunkRange head chunk range for cutting samples ({@link ChunkCutter}); promtool's is 4h
     * @param minTime    meta minTime; {@code Long.MIN_VALUE} for "first sample"
     * @param maxTime    meta maxTime (exclusive); {@code Long.MIN_VALUE} for "last sample + 1", as Prometheus's BlockWriter
     * @param compaction the compaction section; null for a level-1 block that is its own source
     * @param thanos     the Thanos section (its {@code files} are filled in); null for none
     */
    public record Options(Ulid ulid, long chunkRange, long minTime, long maxTime, BlockCompaction compaction,
                          ThanosMeta thanos) {
        public static Options defaults() {
            return new Options(Ulid.generate(), ChunkCutter.PROMTOOL_CHUNK_RANGE, Long.MIN_VALUE, Long.MIN_VALUE, null, null);
        }

        public Options withUlid(Ulid u) {
            return new Options(u, chunkRange, minTime, maxTime, compaction, thanos);
        }

        public Options withRange(long mint, long maxtExclusive) {
            return new Options(ulid, chunkRange, mint, maxtExclusive, compaction, thanos);
        }

        public Options withChunkRange(long r) {
            return new Options(ulid, r, minTime, maxTime, compaction, thanos);
        }

        public Options withCompaction(BlockCompaction c) {
            return new Options(ulid, chunkRange, minTime, maxTime, c, thanos);
        }

        public Options withThanos(ThanosMeta t) {
            return new Options(ulid, chunkRange, minTime, maxTime, compaction, t);
        }
    }

    private final Path parent;
    private final Path tmp;
    private final Options options;
    private final ChunkSegmentWriter chunkWriter;
    private final ChunkCutter cutter;
    private final List<BlockChunk> pending = new ArrayList<>();

    private final List<Labels> seriesLabels = new ArrayList<>();
    /** Per series: {@code [ref0, mint0, maxt0, ref1, ...]}. */
    private final List<long[]> seriesChunks = new ArrayList<>();
    private final Set<String> symbols = new HashSet<>();
    private Labels last;
    private long minT = Long.MAX_VALUE;
    private long maxT = Long.MIN_VALUE;
    private long numSamples;
    private long numChunks;
    private boolean committed;
    private boolean closed;
    /** Called before each commit step; tests throw from it to stand in for a crash there. */
    private java.util.function.Consumer<String> stageHook = stage -> { };

    private BlockWriter(Path parent, Options options) throws IOException {
        this.parent = parent;
        this.options = options;
        this.tmp = parent.resolve(options.ulid() + TMP_SUFFIX);
        Files.createDirectories(parent);
        DurableFiles.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        this.chunkWriter = new ChunkSegmentWriter(tmp.resolve(Block.CHUNKS_DIR));
        this.cutter = new ChunkCutter(options.chunkRange(), pending::add);
        // Prometheus's head lists "" among its symbols (the all-postings key's name and value), so
        // every block it cuts, and every compaction of those, has "" first in its symbol table.
        symbols.add("");
    }

    /** Starts a block to be named {@code options.ulid()} under {@code parent}. */
    public static BlockWriter create(Path parent, Options options) throws IOException {
        return new BlockWriter(parent, options);
    }

    /** For crash tests: {@code hook} runs before the steps "index", "tombstones", "meta", "rename". */
    void stageHook(java.util.function.Consumer<String> hook) {
        this.stageHook = hook;
    }

    /** Series added so far that had samples. */
    public int numSeries() {
        return seriesLabels.size();
    }

    /** The directory the block will have once committed. */
    public Path dir() {
        return parent.resolve(options.ulid().toString());
    }

    /** Adds a series from its samples (strictly increasing timestamps); a series without samples is skipped. */
    public void addSeries(Labels labels, ChunkIterator samples) throws IOException {
        checkOrder(labels);
        pending.clear();
        try {
            cutter.appendAll(samples);
        } catch (IllegalArgumentException e) {
            cutter.finish();
            throw new IllegalArgumentException("series " + labels + ": " + e.getMessage(), e);
        }
        numSamples += cutter.finish();
        writeSeries(labels, pending);
    }

    public void addSeries(Series s) throws IOException {
        addSeries(s.labels(), s.iterator(null));
    }

    /**
     * Adds a series from ready chunks in time order, not overlapping, written unchanged.
     * A series without chunks is skipped.
     */
    public void addChunks(Labels labels, List<BlockChunk> chunks) throws IOException {
        checkOrder(labels);
        long prevMax = Long.MIN_VALUE;
        for (int i = 0; i < chunks.size(); i++) {
            BlockChunk c = chunks.get(i);
            if (c.maxTime() < c.minTime() || (i > 0 && c.minTime() <= prevMax)) {
                throw new IllegalArgumentException("series " + labels + ": chunk " + i + " [" + c.minTime() + ", "
                        + c.maxTime() + "] is empty or overlaps the previous chunk ending at " + prevMax);
            }
            prevMax = c.maxTime();
            numSamples += c.chunk().numSamples();
        }
        writeSeries(labels, chunks);
    }

    private void checkOrder(Labels labels) {
        ensureOpen();
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a series needs at least one label");
        }
        if (last != null && Utf8Order.LABELS.compare(last, labels) >= 0) {
            throw new IllegalArgumentException("series " + labels + " is not after " + last
                    + "; add series sorted by labels, each once");
        }
        last = labels;
    }

    private void writeSeries(Labels labels, List<BlockChunk> chunks) throws IOException {
        if (chunks.isEmpty()) {
            return;
        }
        long[] metas = new long[chunks.size() * 3];
        for (int i = 0; i < chunks.size(); i++) {
            BlockChunk c = chunks.get(i);
            metas[3 * i] = chunkWriter.write(c.chunk());
            metas[3 * i + 1] = c.minTime();
            metas[3 * i + 2] = c.maxTime();
            minT = Math.min(minT, c.minTime());
            maxT = Math.max(maxT, c.maxTime());
        }
        numChunks += chunks.size();
        seriesLabels.add(labels);
        seriesChunks.add(metas);
        for (int i = 0; i < labels.size(); i++) {
            symbols.add(labels.name(i));
            symbols.add(labels.value(i));
        }
    }

    /**
     * Finishes the block (index, tombstones, meta.json, rename) and returns its meta.
     *
     * @throws IllegalStateException when no series had samples and no explicit range was given
     */
    public BlockMeta commit() throws IOException {
        ensureOpen();
        chunkWriter.close();
        long mint = options.minTime() != Long.MIN_VALUE ? options.minTime() : minT;
        long maxt = options.maxTime() != Long.MIN_VALUE ? options.maxTime() : maxT + 1;
        if (mint == Long.MAX_VALUE || maxt == Long.MIN_VALUE + 1) {
            throw new IllegalStateException("block " + options.ulid() + " has no samples and no time range;"
                    + " nothing to write");
        }
        if (!seriesLabels.isEmpty() && (minT < mint || maxT >= maxt)) {
            throw new IllegalStateException("block " + options.ulid() + ": samples span [" + minT + ", " + maxT
                    + "], outside the block range [" + mint + ", " + maxt + ")");
        }
        stageHook.accept("index");
        writeIndex();
        stageHook.accept("tombstones");
        TombstonesFile.write(tmp, Tombstones.EMPTY);
        BlockCompaction compaction = options.compaction() != null ? options.compaction()
                : BlockCompaction.level1(options.ulid());
        BlockMeta meta = new BlockMeta(options.ulid(), mint, maxt,
                new BlockStats(numSamples, seriesLabels.size(), numChunks, 0), compaction, BlockMeta.VERSION_1, null);
        if (options.thanos() != null) {
            // meta.json lists itself without a size, as Thanos's GatherFileStats does.
            List<ThanosFile> files = new ArrayList<>(fileStats(tmp));
            files.add(new ThanosFile(MetaJson.FILENAME, 0));
            files.sort((a, b) -> a.relPath().compareTo(b.relPath()));
            meta = meta.withThanos(options.thanos().withFiles(files));
        }
        stageHook.accept("meta");
        MetaJson.write(tmp, meta);
        DurableFiles.syncDir(tmp);
        Path dir = dir();
        if (Files.exists(dir)) {
            throw new IOException("cannot commit block: " + dir + " already exists");
        }
        stageHook.accept("rename");
        DurableFiles.renameDurably(tmp, dir);
        committed = true;
        closed = true;
        return meta;
    }

    private void writeIndex() throws IOException {
        String[] sorted = symbols.toArray(new String[0]);
        Arrays.sort(sorted, Utf8Order.STRINGS);
        try (IndexWriter iw = new IndexWriter(tmp.resolve(Block.INDEX_FILE))) {
            for (String s : sorted) {
                iw.addSymbol(s);
            }
            List<ChunkMeta> metas = new ArrayList<>();
            for (int i = 0; i < seriesLabels.size(); i++) {
                long[] m = seriesChunks.get(i);
                metas.clear();
                for (int j = 0; j < m.length; j += 3) {
                    metas.add(new ChunkMeta(m[j], m[j + 1], m[j + 2]));
                }
                iw.addSeries(seriesLabels.get(i), metas);
            }
        }
    }

    /** chunks/* and index with sizes, as Thanos lists a block's files. */
    static List<ThanosFile> fileStats(Path blockDir) throws IOException {
        List<ThanosFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(blockDir.resolve(Block.CHUNKS_DIR))) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                out.add(new ThanosFile(Block.CHUNKS_DIR + "/" + p.getFileName(), Files.size(p)));
            }
        }
        out.add(new ThanosFile(Block.INDEX_FILE, Files.size(blockDir.resolve(Block.INDEX_FILE))));
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("block writer for " + options.ulid() + " is already "
                    + (committed ? "committed" : "closed"));
        }
    }

    /** Abandons an uncommitted block: deletes its tmp directory. No-op after {@link #commit()}. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        closed = true;
        try {
            chunkWriter.close();
        } catch (IOException | UncheckedIOException ignored) {
            // the directory goes away below; its state does not matter
        } catch (IllegalStateException ignored) {
            // already closed by a failed commit
        }
        DurableFiles.deleteRecursively(tmp);
    }
}
