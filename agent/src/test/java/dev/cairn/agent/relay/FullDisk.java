package dev.cairn.agent.relay;

import dev.cairn.tsdb.fs.AppendFile;
import dev.cairn.tsdb.fs.Disk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The local disk, but "full" on demand: while {@link #full} is set, every append writes a torn
 * prefix of at most 100 bytes and fails with ENOSPC's message, and every fsync fails, as a file
 * system that ran out of space does.
 */
final class FullDisk implements Disk {
    private final Disk real = Disk.local();
    volatile boolean full;

    @Override
    public AppendFile openAppend(Path file) throws IOException {
        AppendFile f = real.openAppend(file);
        return new AppendFile() {
            @Override
            public void append(byte[] b, int off, int len) throws IOException {
                if (full) {
                    f.append(b, off, Math.min(len, 100));
                    throw new IOException("No space left on device (injected) writing " + file);
                }
                f.append(b, off, len);
            }

            @Override
            public void fsync() throws IOException {
                if (full) {
                    throw new IOException("No space left on device (injected) syncing " + file);
                }
                f.fsync();
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        real.rename(from, to);
    }

    @Override
    public void delete(Path path) throws IOException {
        real.delete(path);
    }

    @Override
    public void syncDir(Path dir) throws IOException {
        real.syncDir(dir);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return real.list(dir);
    }
}
