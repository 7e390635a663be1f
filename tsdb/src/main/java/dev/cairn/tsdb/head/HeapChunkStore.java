package dev.cairn.tsdb.head;

import java.util.Arrays;

/**
 * Full chunks on the heap, for a head without a WAL (tests, benchmarks, scratch heads) and as the
 * fallback of {@link HeadChunkFiles} after a write failure. References are handed out in
 * increasing order; pages of {@value #PAGE_SIZE} slots are dropped once all their chunks are
 * released, so memory follows the live chunks.
 */
final class HeapChunkStore implements ChunkStore {
    private static final int PAGE_BITS = 10;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private byte[][][] pages = new byte[16][][];
    private int[] live = new int[16];
    private long next;

    @Override
    public synchronized long write(long seriesId, long mint, long maxt, byte[] data, int len) {
        long ref = next++;
        int p = (int) (ref >>> PAGE_BITS);
        if (p >= pages.length) {
            pages = Arrays.copyOf(pages, Math.max(p + 1, pages.length * 2));
            live = Arrays.copyOf(live, pages.length);
        }
        if (pages[p] == null) {
            pages[p] = new byte[PAGE_SIZE][];
        }
        pages[p][(int) (ref & (PAGE_SIZE - 1))] = Arrays.copyOf(data, len);
        live[p]++;
        return ref;
    }

    @Override
    public synchronized byte[] read(long ref) {
        byte[][] page = (ref >>> PAGE_BITS) < pages.length ? pages[(int) (ref >>> PAGE_BITS)] : null;
        byte[] b = page == null ? null : page[(int) (ref & (PAGE_SIZE - 1))];
        if (b == null) {
            throw new IllegalStateException("head chunk " + ref + " was released or never written");
        }
        return b.clone();
    }

    @Override
    public synchronized void release(long ref) {
        int p = (int) (ref >>> PAGE_BITS);
        if (p >= pages.length || pages[p] == null || pages[p][(int) (ref & (PAGE_SIZE - 1))] == null) {
            return;
        }
        pages[p][(int) (ref & (PAGE_SIZE - 1))] = null;
        // a page still being filled stays even when empty: the next write goes to it
        if (--live[p] == 0 && (long) (p + 1) << PAGE_BITS <= next) {
            pages[p] = null;
        }
    }
}
