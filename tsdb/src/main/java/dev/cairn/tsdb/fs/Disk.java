package dev.cairn.tsdb.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The narrow seam between Cairn's durable structures and the file system: every operation whose
 * failure can lose or tear data (append, fsync, truncate, rename, delete) goes through here, so
 * tests can make exactly one of them fail and check that nothing acknowledged is lost.
 *
 * <p>Reads do not go through the seam: a failed read loses nothing and is reported where it happens.
 *
 * <p>Contract for implementations: every method either completes or throws {@link IOException};
 * after a failed {@link AppendFile#append} any prefix of the bytes may be on disk (a torn write);
 * after a failed {@link AppendFile#fsync} nothing written since the last successful fsync may be
 * assumed durable, and a later fsync must not be trusted to repair that (Linux may drop the dirty
 * pages and report success the second time). Implementations are thread-safe.
 */
public interface Disk {

    /** The real file system through {@link java.nio.channels.FileChannel}. */
    static Disk local() {
        return LocalDisk.INSTANCE;
    }

    /** Opens {@code file} for appending, creating it if missing; writes go after its current end. */
    AppendFile openAppend(Path file) throws IOException;

    /** Creates {@code dir} and missing parents; fine if it exists. */
    void createDirectories(Path dir) throws IOException;

    /** Atomically renames {@code from} to {@code to}, replacing {@code to} if it is a file or an empty directory. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes a file, or a directory with everything below it; fine if it does not exist. */
    void delete(Path path) throws IOException;

    /** Makes the entries of {@code dir} (creations, renames, deletions) durable. */
    void syncDir(Path dir) throws IOException;

    /** The names of the entries of {@code dir}, in no particular order. */
    List<String> list(Path dir) throws IOException;
}
