package dev.cairn.tsdb.block;

import dev.cairn.tsdb.storage.MergeQuerier;
import dev.cairn.tsdb.storage.Querier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The blocks of a data directory (a Prometheus {@code --storage.tsdb.path}, a receive or compactor
 * scratch directory): every sub-directory named by a ULID is opened as a block. Directories with
 * {@code .tmp} in their name (interrupted writes: {@code <ULID>.tmp-for-creation}) and others that are
 * not ULIDs ({@code wal}, {@code chunks_head}) are skipped. A block that fails to open is reported
 * in {@link #failures()} with the reason and does not stop the others from opening.
 *
 * <p>Blocks are sorted by minTime, then ULID. {@link #close()} closes them all.
 */
public final class BlockDir implements AutoCloseable {
    /** A block directory that could not be opened, and why. */
    public record Failure(Path dir, Exception error) {
    }

    private final Path root;
    private final List<Block> blocks;
    private final List<Failure> failures;

    private BlockDir(Path root, List<Block> blocks, List<Failure> failures) {
        this.root = root;
        this.blocks = blocks;
        this.failures = failures;
    }

    /** Opens every block under {@code root}. Fails only when {@code root} itself cannot be listed. */
    public static BlockDir open(Path root) throws IOException {
        List<Block> blocks = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (Path d : blockDirs(root)) {
            try {
                blocks.add(Block.open(d));
            } catch (IOException | RuntimeException e) {
                failures.add(new Failure(d, e));
            }
        }
        blocks.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()).thenComparing(b -> b.meta().ulid()));
        return new BlockDir(root, List.copyOf(blocks), List.copyOf(failures));
    }

    /** Sub-directories of {@code root} named by a ULID, sorted by name; tmp directories left out. */
    public static List<Path> blockDirs(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("cannot list blocks: " + root + " is not a directory");
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return !name.contains(".tmp") && Ulid.isValid(name);
                    })
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    public Path root() {
        return root;
    }

    public List<Block> blocks() {
        return blocks;
    }

    public List<Failure> failures() {
        return failures;
    }

    /**
     * A querier over [mint, maxt] (inclusive) of every block overlapping it, merged; what
     * {@code promtool tsdb dump} reads (blocks only: no head, no WAL).
     */
    public Querier querier(long mint, long maxt) {
        List<Querier> qs = new ArrayList<>();
        for (Block b : blocks) {
            if (b.meta().overlapsClosed(mint, maxt)) {
                qs.add(b.querier(mint, maxt));
            }
        }
        return new MergeQuerier(qs);
    }

    @Override
    public void close() {
        for (Block b : blocks) {
            b.close();
        }
    }
}
