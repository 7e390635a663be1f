package dev.cairn.tsdb.head;

import dev.cairn.tsdb.labels.Labels;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The head's series map, two ways: by label hash for appends ({@link Labels#hash()} picks a stripe,
 * then an open-addressing table of series probed linearly), and by series id for reads (ids are
 * handed out in increasing order, so a paged array indexed by id finds a series in two loads).
 *
 * <p>Why not a {@code ConcurrentHashMap<Labels, MemSeries>}: a node, a boxed key and a table slot per
 * series is ~50 bytes at a million series; here a series costs its table slot (about 1.5 references
 * at the load factor kept) plus one reference in the id pages.
 *
 * <p>Thread-safety: each stripe is guarded by its own monitor. The id pages are an array of arrays
 * published through a volatile field; page slots are written under {@code idLock} and read without
 * a lock: a reader that finds a series id in the postings index got there after the writer
 * published it (MemPostings' lock orders the two), and {@link MemSeries#id} and
 * {@link MemSeries#labels} are final, so the series it sees is complete.
 */
final class StripeSeries {
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private static final class Stripe {
        MemSeries[] table = new MemSeries[8];
        /**
         * {@code hashes[i]} is the label hash of {@code table[i]}: a probe compares it here instead
         * of loading series, labels and hash field from three cold objects (at 100k series those
         * cache misses were a quarter of the receive path).
         */
        long[] hashes = new long[8];
        int size;
    }

    private final Stripe[] stripes;
    private final int stripeMask;
    private final Object idLock = new Object();
    private volatile MemSeries[][] pages = new MemSeries[16][];
    /** Series per page, to free a page whose series are all gone. Guarded by idLock. */
    private int[] pageCounts = new int[16];
    private long nextId = 1;
    private int size;

    StripeSeries(int stripes) {
        this.stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new Stripe();
        }
        this.stripeMask = stripes - 1;
    }

    /**
     * Whatever {@link Labels#hash()} does, finish it with the murmur3 64-bit finaliser before
     * taking bits for stripe and slot, so the two use independent bits.
     */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private Stripe stripe(long hash) {
        return stripes[(int) mix(hash) & stripeMask];
    }

    private static int slot(long hash, int mask) {
        return (int) (mix(hash) >>> 32) & mask;
    }

    /** The series with these labels, or null. */
    MemSeries get(Labels labels) {
        long h = labels.hash();
        Stripe s = stripe(h);
        synchronized (s) {
            return find(s, labels, h);
        }
    }

    private static MemSeries find(Stripe s, Labels labels, long h) {
        MemSeries[] t = s.table;
        long[] hs = s.hashes;
        int mask = t.length - 1;
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            MemSeries m = t[i];
            if (m == null) {
                return null;
            }
            if (hs[i] == h && m.labels.equals(labels)) {
                return m;
            }
        }
    }

    /** Outcome of {@link #getOrCreate}: the series, and whether this call created it. */
    interface CreateListener {
        void created(MemSeries s);
    }

    /**
     * The series with these labels; creates it with the next id when absent, calling
     * {@code onCreate} (under the stripe's lock and the id lock, so in increasing id order).
     * {@code labels} must be the set to keep (already interned).
     */
    MemSeries getOrCreate(Labels labels, CreateListener onCreate) {
        long h = labels.hash();
        Stripe s = stripe(h);
        synchronized (s) {
            MemSeries m = find(s, labels, h);
            if (m != null) {
                return m;
            }
            // The listener (the head's postings index) runs under idLock too, so ids reach it in
            // increasing order: its lists then only ever append. Two appenders creating series at
            // once otherwise handed it ids out of order, and each such insert copied the whole list
            // (8 MB for job="node" at a million series, a humongous allocation every few series).
            synchronized (idLock) {
                m = new MemSeries(nextId++, labels);
                insert(s, m, h);
                putById(m);
                onCreate.created(m);
            }
            return m;
        }
    }

    /**
     * Inserts a series with a given id (WAL replay); returns the series already holding these
     * labels instead, if there is one. Ids after it are handed out above the largest seen.
     */
    MemSeries createWithId(long id, Labels labels, CreateListener onCreate) {
        long h = labels.hash();
        Stripe s = stripe(h);
        synchronized (idLock) {
            // even an id that turns out to be an alias is never handed out again
            if (id >= nextId) {
                nextId = id + 1;
            }
        }
        synchronized (s) {
            MemSeries m = find(s, labels, h);
            if (m != null) {
                return m;
            }
            m = new MemSeries(id, labels);
            insert(s, m, h);
            putById(m);
            onCreate.created(m);
            return m;
        }
    }

    /**
     * Inserts a series restored from a snapshot under its own id; returns false (and inserts
     * nothing) when a series with the same labels is already present. Ids after it are handed out
     * above it.
     */
    boolean insertRestored(MemSeries m, CreateListener onCreate) {
        long h = m.labels.hash();
        Stripe s = stripe(h);
        synchronized (idLock) {
            if (m.id >= nextId) {
                nextId = m.id + 1;
            }
        }
        synchronized (s) {
            if (find(s, m.labels, h) != null || byId(m.id) != null) {
                return false;
            }
            insert(s, m, h);
            putById(m);
            onCreate.created(m);
            return true;
        }
    }

    /** Raises the next id handed out to at least {@code id}. */
    void reserveIdsBelow(long id) {
        synchronized (idLock) {
            if (id > nextId) {
                nextId = id;
            }
        }
    }

    /** Calls {@code action} for every series in increasing id order (series created meanwhile may be missed). */
    void forEachById(Consumer<MemSeries> action) {
        MemSeries[][] p = pages;
        for (MemSeries[] page : p) {
            if (page == null) {
                continue;
            }
            for (MemSeries m : page) {
                if (m != null) {
                    action.accept(m);
                }
            }
        }
    }

    private static void insert(Stripe s, MemSeries m, long h) {
        if ((s.size + 1) * 4 > s.table.length * 3) {
            rehash(s, s.table.length * 2);
        }
        MemSeries[] t = s.table;
        int mask = t.length - 1;
        int i = slot(h, mask);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = m;
        s.hashes[i] = h;
        s.size++;
    }

    private static void rehash(Stripe s, int capacity) {
        MemSeries[] old = s.table;
        long[] oldHashes = s.hashes;
        MemSeries[] t = new MemSeries[capacity];
        long[] hs = new long[capacity];
        int mask = capacity - 1;
        for (int j = 0; j < old.length; j++) {
            MemSeries m = old[j];
            if (m != null) {
                long h = oldHashes[j];
                int i = slot(h, mask);
                while (t[i] != null) {
                    i = (i + 1) & mask;
                }
                t[i] = m;
                hs[i] = h;
            }
        }
        s.table = t;
        s.hashes = hs;
    }

    private void putById(MemSeries m) {
        synchronized (idLock) {
            int page = (int) (m.id >>> PAGE_BITS);
            MemSeries[][] p = pages;
            if (page >= p.length) {
                p = Arrays.copyOf(p, Math.max(page + 1, p.length * 2));
                pageCounts = Arrays.copyOf(pageCounts, p.length);
            }
            if (p[page] == null) {
                p[page] = new MemSeries[PAGE_SIZE];
            }
            p[page][(int) (m.id & (PAGE_SIZE - 1))] = m;
            pageCounts[page]++;
            size++;
            pages = p; // volatile write publishes the slot too
        }
    }

    /** The series with this id, or null when there is none (never created, or removed). */
    MemSeries byId(long id) {
        if (id < 0) {
            return null;
        }
        MemSeries[][] p = pages;
        long page = id >>> PAGE_BITS;
        if (page >= p.length) {
            return null;
        }
        MemSeries[] pg = p[(int) page];
        return pg == null ? null : pg[(int) (id & (PAGE_SIZE - 1))];
    }

    int size() {
        synchronized (idLock) {
            return size;
        }
    }

    /** The id the next created series gets. */
    long nextId() {
        synchronized (idLock) {
            return nextId;
        }
    }

    /** Calls {@code action} for every series (a stripe at a time; series created meanwhile may be missed). */
    void forEach(Consumer<MemSeries> action) {
        for (Stripe s : stripes) {
            MemSeries[] snapshot;
            synchronized (s) {
                snapshot = s.table.clone();
            }
            for (MemSeries m : snapshot) {
                if (m != null) {
                    action.accept(m);
                }
            }
        }
    }

    /**
     * Removes every series {@code remove} accepts; the predicate runs under the stripe's lock, so a
     * series it accepts cannot gain a sample before it is gone (appenders find series under the same
     * lock). Calls {@code removed} for each series removed, after it is unreachable.
     */
    int removeIf(Predicate<MemSeries> remove, Consumer<MemSeries> removed) {
        int n = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                boolean any = false;
                MemSeries[] t = s.table;
                for (int i = 0; i < t.length; i++) {
                    if (t[i] != null && remove.test(t[i])) {
                        MemSeries m = t[i];
                        t[i] = null;
                        s.size--;
                        removeById(m);
                        removed.accept(m);
                        any = true;
                        n++;
                    }
                }
                if (any) {
                    // open addressing: rebuild so probe chains have no holes
                    int cap = s.table.length;
                    while (cap > 8 && s.size * 4 < cap) {
                        cap >>= 1;
                    }
                    rehash(s, cap);
                }
            }
        }
        return n;
    }

    private void removeById(MemSeries m) {
        synchronized (idLock) {
            int page = (int) (m.id >>> PAGE_BITS);
            MemSeries[][] p = pages;
            p[page][(int) (m.id & (PAGE_SIZE - 1))] = null;
            size--;
            if (--pageCounts[page] == 0) {
                p[page] = null;
            }
            pages = p;
        }
    }
}
