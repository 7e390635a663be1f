package dev.cairn.tsdb.wal;

/**
 * The fragment framing of Prometheus's wlog, which Cairn writes and reads byte for byte.
 *
 * <pre>
 * fragment: type &lt;1b&gt; | length &lt;2b BE&gt; | CRC32C(data) &lt;4b BE&gt; | data &lt;length bytes&gt;
 * type:     reserved &lt;3 bits&gt; | zstd &lt;1 bit&gt; | snappy &lt;1 bit&gt; | kind &lt;3 bits&gt;
 * </pre>
 *
 * Fragments never cross a 32 KiB page; a page whose rest cannot hold a header is padded with zeros
 * (kind 0). Records never cross segments.
 */
final class Frame {
    static final int PAGE_SIZE = 32 * 1024;
    static final int HEADER_SIZE = 7;

    static final int PAGE_TERM = 0;
    static final int FULL = 1;
    static final int FIRST = 2;
    static final int MIDDLE = 3;
    static final int LAST = 4;

    static final int KIND_MASK = 0x07;
    static final int SNAPPY = 1 << 3;
    static final int ZSTD = 1 << 4;

    private Frame() {
    }

    static String kindName(int kind) {
        return switch (kind) {
            case PAGE_TERM -> "padding";
            case FULL -> "full";
            case FIRST -> "first";
            case MIDDLE -> "middle";
            case LAST -> "last";
            default -> "invalid kind " + kind;
        };
    }
}
