package dev.cairn.appliance.web;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code cairn_disk_free_bytes} and {@code cairn_disk_size_bytes} for the directories the appliance
 * writes (data dir, receive dir, a filesystem bucket), so the disk alerts work without node_exporter on
 * the appliance. Free means usable by this process (what a write will find), not the root reserve.
 */
public final class DiskSpaceMetrics implements MetricsSource {
    private final List<Path> paths;

    public DiskSpaceMetrics(List<Path> paths) {
        this.paths = paths.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    @Override
    public void writeMetrics(MetricsText out) {
        out.family("cairn_disk_free_bytes", "gauge", "Bytes usable by the appliance on the file system holding path.");
        long[][] values = new long[paths.size()][];
        for (int i = 0; i < paths.size(); i++) {
            values[i] = measure(paths.get(i));
            if (values[i] != null) {
                out.sample("cairn_disk_free_bytes", values[i][0], "path", paths.get(i).toString());
            }
        }
        out.family("cairn_disk_size_bytes", "gauge", "Size of the file system holding path, in bytes.");
        for (int i = 0; i < paths.size(); i++) {
            if (values[i] != null) {
                out.sample("cairn_disk_size_bytes", values[i][1], "path", paths.get(i).toString());
            }
        }
    }

    /** Usable and total bytes, or null when the path is gone (a scrape must not fail for it). */
    private static long[] measure(Path p) {
        try {
            FileStore store = Files.getFileStore(p);
            return new long[] {store.getUsableSpace(), store.getTotalSpace()};
        } catch (IOException e) {
            return null;
        }
    }
}
