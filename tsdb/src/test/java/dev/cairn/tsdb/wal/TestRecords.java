package dev.cairn.tsdb.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Records whose content is a function of their number, so a reader can check each one it gets. */
final class TestRecords {
    private TestRecords() {
    }

    /** {@code size} bytes (at least 8): the number, then bytes drawn from a generator seeded by it. */
    static byte[] make(long n, int size) {
        byte[] b = new byte[Math.max(8, size)];
        ByteBuffer.wrap(b).putLong(n);
        SplittableRandom r = new SplittableRandom(n * 31 + size);
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** The number of a record made by {@link #make}, after checking its payload. */
    static long check(byte[] rec) {
        long n = ByteBuffer.wrap(rec).getLong();
        byte[] want = make(n, rec.length);
        if (!java.util.Arrays.equals(want, rec)) {
            throw new AssertionError("record " + n + " of " + rec.length + " bytes has a damaged payload");
        }
        return n;
    }

    static List<byte[]> readAll(Path dir) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (SegmentReader r = SegmentReader.open(dir)) {
            while (r.next()) {
                out.add(r.recordBytes());
            }
        }
        return out;
    }
}
