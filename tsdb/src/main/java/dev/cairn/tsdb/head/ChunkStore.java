package dev.cairn.tsdb.head;

/**
 * Where a series' full (cut) chunks live once the series appends to a new one: on disk in
 * {@code chunks_head/} for a head with a WAL ({@link HeadChunkFiles}), on the heap for an in-memory
 * head ({@link HeapChunkStore}). A series keeps only the reference and the time bounds.
 *
 * <p>Thread-safe. A reference stays readable until {@link #release} (heap) or until the head is
 * truncated past the chunk's max time (disk); callers read under the series' lock, which truncation
 * also takes, so a reference handed out by a series is never stale.
 */
interface ChunkStore {
    /**
     * Stores a full chunk of series {@code seriesId}; the bytes are copied.
     *
     * @return the reference to read it back with
     */
    long write(long seriesId, long mint, long maxt, byte[] data, int len);

    /** The chunk's bytes (XOR, count header included), a fresh copy the caller may keep. */
    byte[] read(long ref);

    /** The series dropped the chunk: its memory (if on the heap) may go. */
    void release(long ref);
}
