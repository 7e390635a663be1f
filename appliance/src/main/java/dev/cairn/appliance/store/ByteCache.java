package dev.cairn.appliance.store;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store gateway's in-memory cache of bytes read from the bucket (postings lists, series entries,
 * chunks), bounded by the bytes it holds: least recently used entries go first once the bound is
 * passed. One lock around an access-ordered map: lookups are a few per series and per chunk, far
 * cheaper than the ranged GET a miss costs, so a striped or lock-free design would not pay.
 *
 * <p>Values are never modified after {@link #put}; callers must not modify arrays they get or put.
 */
final class ByteCache {
    /** What an entry costs beyond its bytes: map node, key record, array header (rough, conservative). */
    static final int ENTRY_OVERHEAD = 96;

    /** Which part of a block an entry holds. */
    enum Kind { POSTINGS, SERIES, CHUNK }

    /**
     * @param block the block's ULID as text
     * @param id    series ref or chunk ref; 0 for postings
     * @param label for postings: name and value, separated by a NUL; "" otherwise
     */
    record Key(String block, Kind kind, long id, String label) {
    }

    private final long maxBytes;
    private final LinkedHashMap<Key, byte[]> map = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    /** @param maxBytes bound on what the entries hold; 0 disables caching */
    ByteCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cache size " + maxBytes + " bytes (expected >= 0)");
        }
        this.maxBytes = maxBytes;
    }

    byte[] get(Key k) {
        byte[] v;
        synchronized (this) {
            v = map.get(k);
        }
        (v == null ? misses : hits).incrementAndGet();
        return v;
    }

    void put(Key k, byte[] v) {
        long cost = cost(v);
        if (cost > maxBytes / 2) {
            return; // one huge entry would flush everything else for little gain
        }
        synchronized (this) {
            byte[] old = map.put(k, v);
            if (old != null) {
                bytes -= cost(old);
            }
            bytes += cost;
            Iterator<Map.Entry<Key, byte[]>> it = map.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<Key, byte[]> e = it.next();
                bytes -= cost(e.getValue());
                it.remove();
                evictions.incrementAndGet();
            }
        }
    }

    /** Drops every entry of {@code block} (it left the bucket). */
    synchronized void dropBlock(String block) {
        Iterator<Map.Entry<Key, byte[]>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, byte[]> e = it.next();
            if (e.getKey().block().equals(block)) {
                bytes -= cost(e.getValue());
                it.remove();
            }
        }
    }

    private static long cost(byte[] v) {
        return v.length + ENTRY_OVERHEAD;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int entries() {
        return map.size();
    }

    long maxBytes() {
        return maxBytes;
    }

    long hits() {
        return hits.get();
    }

    long misses() {
        return misses.get();
    }

    long evictions() {
        return evictions.get();
    }
}
