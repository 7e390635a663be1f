package dev.cairn.appliance.compact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Bytes a directory's file system has free for us; a seam so tests can pretend the disk is full. */
@FunctionalInterface
public interface FreeSpace {
    FreeSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

    /** Usable bytes on the file system holding {@code dir} (which exists). */
    long usableBytes(Path dir) throws IOException;
}
