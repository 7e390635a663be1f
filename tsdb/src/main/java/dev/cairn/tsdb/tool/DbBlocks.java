package dev.cairn.tsdb.tool;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockDir;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.TombstonesFile;
import dev.cairn.tsdb.encoding.CorruptionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The blocks of a TSDB directory as the {@code cairn tsdb} tools see them: every block that opens,
 * sorted by minTime (as promtool lists them); a block that does not open is reported on the warning
 * stream, naming its directory and the damaged file, and left out, so one bad block does not hide
 * the others. (promtool refuses the whole directory instead.)
 */
final class DbBlocks implements AutoCloseable {
    private final BlockDir dir;

    private DbBlocks(BlockDir dir) {
        this.dir = dir;
    }

    /**
     * @param warnings receives one line per block left out
     * @throws NoSuchFileException when {@code db} does not exist or is not a directory
     */
    static DbBlocks open(Path db, PrintWriter warnings) throws IOException {
        if (!Files.exists(db)) {
            throw new NoSuchFileException(db.toString(), null, "the TSDB directory does not exist");
        }
        if (!Files.isDirectory(db)) {
            throw new NoSuchFileException(db.toString(), null, "not a directory; give the TSDB directory that holds the blocks");
        }
        BlockDir d = BlockDir.open(db);
        if (d.blocks().isEmpty() && d.failures().isEmpty() && Files.exists(db.resolve(MetaJson.FILENAME))) {
            throw new IllegalArgumentException(db + " is a block, not a TSDB directory: give the directory that holds it ("
                    + db.toAbsolutePath().getParent() + ")");
        }
        for (BlockDir.Failure f : d.failures()) {
            warnings.println("cairn: warning: skipping block " + f.dir().getFileName() + ": " + reason(f.error()));
        }
        warnings.flush();
        return new DbBlocks(d);
    }

    List<Block> blocks() {
        return dir.blocks();
    }

    int skipped() {
        return dir.failures().size();
    }

    /** One sentence on why a block did not open; the message of a corruption already names the file. */
    static String reason(Exception e) {
        if (e instanceof CorruptionException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException n) {
            return "missing file " + n.getFile();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * What promtool reports as a block's size: chunk segments, index, tombstones and meta.json bytes
     * (tsdb.Block.Size()).
     */
    static long size(Block b) throws IOException {
        long n = b.chunks().size() + b.index().size();
        Path tomb = b.dir().resolve(TombstonesFile.FILENAME);
        if (Files.exists(tomb)) {
            n += Files.size(tomb);
        }
        return n + Files.size(b.dir().resolve(MetaJson.FILENAME));
    }

    /** True when {@code db/wal} holds segment files, whose samples the tools cannot read yet. */
    static boolean hasWal(Path db) throws IOException {
        Path wal = db.resolve("wal");
        if (!Files.isDirectory(wal)) {
            return false;
        }
        try (Stream<Path> s = Files.list(wal)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("\\d+") && p.toFile().length() > 0);
        }
    }

    @Override
    public void close() {
        dir.close();
    }
}
