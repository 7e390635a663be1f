package dev.cairn.tsdb.index;

/** Constants of the Prometheus index file, format version 2 (docs/format/index.md). */
final class IndexFormat {
    static final int MAGIC = 0xBAAAD700;
    static final int V1 = 1;
    static final int V2 = 2;
    static final int HEADER_LEN = 5;
    /** Six 8-byte section offsets and a CRC32C. */
    static final int TOC_LEN = 6 * 8 + 4;
    /** Series entries start on 16-byte boundaries; a series ref is its offset / 16. */
    static final int SERIES_ALIGN = 16;
    /** Label indices and postings lists start on 4-byte boundaries. */
    static final int LIST_ALIGN = 4;
    static final String FILE_NAME = "index";

    private IndexFormat() {
    }
}
