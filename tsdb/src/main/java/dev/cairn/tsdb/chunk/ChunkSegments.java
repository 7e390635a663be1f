package dev.cairn.tsdb.chunk;

import java.nio.file.Path;

/**
 * Constants and naming of a block's chunk segment files ({@code chunks/000001}, {@code chunks/000002},
 * …), shared by {@link ChunkSegmentWriter} and {@link ChunkSegmentReader}.
 *
 * <pre>
 * segment file                               one chunk
 * ┌───────────────────────────────┐          ┌───────────────┬───────────────────┬──────────────┬────────────────────┐
 * │ magic 0x85BD40DD &lt;4 byte BE&gt;  │          │ len &lt;uvarint&gt; │ encoding &lt;1 byte&gt; │ data &lt;len&gt;   │ CRC32C &lt;4 byte BE&gt; │
 * │ version 1 &lt;1 byte&gt;            │          └───────────────┴───────────────────┴──────────────┴────────────────────┘
 * │ padding 0 &lt;3 byte&gt;            │          CRC32C (Castagnoli) covers encoding and data.
 * │ chunk, chunk, …               │
 * └───────────────────────────────┘
 * </pre>
 *
 * A chunk reference is the 0-based index of the segment file in sequence order in its upper 32 bits
 * (file {@code 000001} is index 0) and the byte offset of the chunk's length field in the lower 32.
 */
public final class ChunkSegments {
    public static final int MAGIC = 0x85BD40DD;
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 8;
    /** Prometheus's default and the size its tools expect: a chunk never straddles two files. */
    public static final long DEFAULT_SEGMENT_SIZE = 512L * 1024 * 1024;
    /** Prometheus budgets 5 bytes (a 32-bit uvarint) for the length field when deciding to cut. */
    static final int MAX_LENGTH_FIELD_SIZE = 5;
    static final int CRC_SIZE = 4;

    private ChunkSegments() {
    }

    /** The file name of segment {@code seq} (1-based): {@code 000001}. */
    public static String fileName(long seq) {
        String s = Long.toString(seq);
        return s.length() >= 6 ? s : "000000".substring(s.length()) + s;
    }

    public static Path file(Path dir, long seq) {
        return dir.resolve(fileName(seq));
    }

    /** The segment sequence number a file name stands for, or -1 if it is not a segment name (Prometheus parses names as unsigned decimals). */
    static long parseSeq(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }

    /** A chunk reference: segment index (0-based) and offset. */
    public static long ref(int segmentIndex, long offset) {
        return ChunkMeta.ref(segmentIndex, (int) offset);
    }
}
