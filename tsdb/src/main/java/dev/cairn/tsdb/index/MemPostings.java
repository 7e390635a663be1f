package dev.cairn.tsdb.index;

import dev.cairn.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;

/**
 * An in-memory postings index: label name → value → sorted series ids, plus the list of all ids.
 * The head adds each new series here; a block writer can gather postings with it too.
 *
 * <p>Thread-safe. Postings handed out are snapshots: later {@link #add} calls append past the end
 * a snapshot sees, or copy the array when an id arrives out of order, and {@link #delete} always
 * copies, so an iterator never sees a list change under it.
 */
public final class MemPostings implements PostingsIndex {
    /** One sorted list; {@code refs[0, size)} never changes once published, only grows or is replaced. */
    private static final class RefList {
        long[] refs = new long[4];
        int size;

        void add(long id) {
            if (size == 0 || id > refs[size - 1]) {
                if (size == refs.length) {
                    refs = Arrays.copyOf(refs, size * 2);
                }
                refs[size++] = id;
                return;
            }
            int k = Arrays.binarySearch(refs, 0, size, id);
            if (k >= 0) {
                return;
            }
            int at = -k - 1;
            // out of order: a new array, so snapshots of the old one stay valid
            long[] n = new long[Math.max(refs.length, size + 1)];
            System.arraycopy(refs, 0, n, 0, at);
            n[at] = id;
            System.arraycopy(refs, at, n, at + 1, size - at);
            refs = n;
            size++;
        }

        /** Removes deleted ids into a new array (the old one stays as snapshots saw it); returns the new size. */
        int removeIf(LongPredicate deleted) {
            int first = 0;
            while (first < size && !deleted.test(refs[first])) {
                first++;
            }
            if (first == size) {
                return size; // unchanged lists are not copied
            }
            long[] n = new long[Math.max(4, size)];
            System.arraycopy(refs, 0, n, 0, first);
            int j = first;
            for (int i = first + 1; i < size; i++) {
                if (!deleted.test(refs[i])) {
                    n[j++] = refs[i];
                }
            }
            refs = n;
            size = j;
            return j;
        }

        Postings snapshot() {
            return size == 0 ? Postings.EMPTY : new ListPostings(refs, 0, size);
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, RefList>> byName = new HashMap<>();
    private final RefList all = new RefList();

    /** Indexes series {@code id} under each of its labels. Adding an id twice is harmless. */
    public void add(long id, Labels labels) {
        lock.writeLock().lock();
        try {
            for (int i = 0; i < labels.size(); i++) {
                byName.computeIfAbsent(labels.name(i), k -> new HashMap<>())
                        .computeIfAbsent(labels.value(i), k -> new RefList()).add(id);
            }
            all.add(id);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes every id {@code deleted} accepts (series dropped from the head by truncation). */
    public void delete(LongPredicate deleted) {
        lock.writeLock().lock();
        try {
            for (Iterator<Map<String, RefList>> names = byName.values().iterator(); names.hasNext(); ) {
                Map<String, RefList> values = names.next();
                values.values().removeIf(l -> l.removeIf(deleted) == 0);
                if (values.isEmpty()) {
                    names.remove();
                }
            }
            all.removeIf(deleted);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<String> labelNames() {
        lock.readLock().lock();
        try {
            List<String> out = new ArrayList<>(byName.keySet());
            out.sort(Utf8Order.STRINGS);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<String> labelValues(String name) {
        lock.readLock().lock();
        try {
            Map<String, RefList> values = byName.get(name);
            if (values == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>(values.keySet());
            out.sort(Utf8Order.STRINGS);
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Postings postings(String name, List<String> values) {
        lock.readLock().lock();
        try {
            Map<String, RefList> m = byName.get(name);
            if (m == null) {
                return Postings.EMPTY;
            }
            List<Postings> lists = new ArrayList<>(values.size());
            for (String v : values) {
                RefList l = m.get(v);
                if (l != null) {
                    lists.add(l.snapshot());
                }
            }
            return MergedPostings.of(lists);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Postings allPostings() {
        lock.readLock().lock();
        try {
            return all.snapshot();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of series ids indexed. */
    public int size() {
        lock.readLock().lock();
        try {
            return all.size;
        } finally {
            lock.readLock().unlock();
        }
    }
}
