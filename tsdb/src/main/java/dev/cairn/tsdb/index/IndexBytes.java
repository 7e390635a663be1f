package dev.cairn.tsdb.index;

import dev.cairn.tsdb.encoding.ByteReader;
import dev.cairn.tsdb.encoding.CorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The bytes of an index file, addressed by long offsets. A Java mapping holds under 2 GiB, so a
 * larger file is mapped as overlapping windows: window {@code w} starts at {@code w × step} and
 * runs for up to {@code 2 × step - 1} bytes, so any range of at most {@code step - 1} bytes lies
 * whole in one window and can be read as one {@link ByteReader}. Sections of an index are far
 * smaller than the 1 GiB step except in extreme files, which get a clear error.
 */
final class IndexBytes {
    static final long LARGE_STEP = 1L << 30;

    private final String name;
    private final long size;
    private final long step;
    private final ByteBuffer[] windows;

    IndexBytes(String name, long size, long step, ByteBuffer[] windows) {
        this.name = name;
        this.size = size;
        this.step = step;
        this.windows = windows;
    }

    /** Maps the whole of {@code ch} read-only; the mapping stays valid after {@code ch} closes. */
    static IndexBytes map(FileChannel ch, String name) throws IOException {
        long size = ch.size();
        if (size <= Integer.MAX_VALUE) {
            return new IndexBytes(name, size, Long.MAX_VALUE, new ByteBuffer[] {ch.map(FileChannel.MapMode.READ_ONLY, 0, size)});
        }
        return mapWindows(ch, name, size, LARGE_STEP);
    }

    /** Windowed mapping with a chosen step; tests use a small one to exercise window boundaries. */
    static IndexBytes mapWindows(FileChannel ch, String name, long size, long step) throws IOException {
        int n = (int) ((size + step - 1) / step);
        ByteBuffer[] w = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long start = i * step;
            long len = Math.min(Math.min(2 * step - 1, Integer.MAX_VALUE), size - start);
            w[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, len);
        }
        return new IndexBytes(name, size, step, w);
    }

    static IndexBytes of(ByteBuffer b, String name) {
        ByteBuffer s = b.slice();
        return new IndexBytes(name, s.limit(), Long.MAX_VALUE, new ByteBuffer[] {s});
    }

    String name() {
        return name;
    }

    long size() {
        return size;
    }

    /** The most bytes one {@link #range} may span. */
    long maxRange() {
        return windows.length == 1 ? size : step - 1;
    }

    /**
     * Bytes {@code [at, at+n)} as a reader whose {@link ByteReader#base()} is {@code at}.
     *
     * @throws CorruptionException when the range leaves the file, or (in files of 2 GiB and more)
     *                             spans more than {@link #maxRange()} bytes
     */
    ByteReader range(long at, long n) {
        if (at < 0 || n < 0 || at + n > size) {
            throw new CorruptionException(name, Math.max(at, 0), n + " bytes at offset " + at
                    + " run past the end of the file (" + size + " bytes)");
        }
        int w = windows.length == 1 ? 0 : (int) (at / step);
        long rel = windows.length == 1 ? at : at - w * step;
        ByteBuffer win = windows[w];
        if (rel + n > win.limit()) {
            throw new CorruptionException(name, at, "a section of " + n + " bytes is larger than the "
                    + maxRange() + " bytes this reader maps at once; such index files are not supported");
        }
        return new ByteReader(win.slice((int) rel, (int) n), name, at);
    }

    /** From {@code at} to the end of the file, or as far as one range may go. */
    ByteReader rangeFrom(long at, long limit) {
        return range(at, Math.min(limit - at, maxRange()));
    }
}
