package dev.cairn.tsdb.wal;

import dev.cairn.tsdb.fs.Disk;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Segment file names: the sequence number in 8 decimal digits, as Prometheus names them. */
public final class Segments {
    private Segments() {
    }

    /** {@code 00000042} for 42. */
    public static String name(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("segment index must be >= 0, got " + index);
        }
        String s = Integer.toString(index);
        return s.length() >= 8 ? s : "00000000".substring(s.length()) + s;
    }

    public static Path path(Path dir, int index) {
        return dir.resolve(name(index));
    }

    /** The index named by a segment file name, or -1 for any other file (checkpoints, temp files). */
    static int parse(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /**
     * The segment indexes in {@code dir}, ascending. A gap means segments were lost or deleted out
     * of order: reading across it would silently skip records, so it is an error.
     */
    public static int[] list(Disk disk, Path dir) throws IOException {
        List<String> names = disk.list(dir);
        int[] idx = new int[names.size()];
        int n = 0;
        for (String name : names) {
            int i = parse(name);
            if (i >= 0) {
                idx[n++] = i;
            }
        }
        idx = Arrays.copyOf(idx, n);
        Arrays.sort(idx);
        for (int i = 1; i < idx.length; i++) {
            if (idx[i] != idx[i - 1] + 1) {
                throw new IOException("WAL segments in " + dir + " are not sequential: " + name(idx[i - 1])
                        + " is followed by " + name(idx[i]) + "; restore the missing segments or move the later ones away");
            }
        }
        return idx;
    }
}
