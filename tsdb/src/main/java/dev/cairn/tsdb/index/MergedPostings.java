package dev.cairn.tsdb.index;

import java.util.ArrayList;
import java.util.List;

/**
 * The union of its inputs, each ref once: a k-way merge over a binary min-heap keyed by each
 * input's current ref (kept in a parallel {@code long[]}, so no boxing and no comparator calls).
 */
public final class MergedPostings implements Postings {
    private final Postings[] inputs;
    private final Postings[] heap;
    private final long[] keys;
    private int size;
    private boolean started;
    private boolean done;
    private long cur;

    private MergedPostings(Postings[] inputs) {
        this.inputs = inputs;
        this.heap = new Postings[inputs.length];
        this.keys = new long[inputs.length];
    }

    /** The union; EMPTY inputs are dropped, one input is returned as is. */
    public static Postings of(List<Postings> its) {
        List<Postings> live = new ArrayList<>(its.size());
        for (Postings p : its) {
            if (p != Postings.EMPTY) {
                live.add(p);
            }
        }
        if (live.isEmpty()) {
            return Postings.EMPTY;
        }
        if (live.size() == 1) {
            return live.get(0);
        }
        return new MergedPostings(live.toArray(new Postings[0]));
    }

    public static Postings of(Postings... its) {
        return of(List.of(its));
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        if (!started) {
            started = true;
            for (Postings p : inputs) {
                if (p.next()) {
                    push(p, p.at());
                }
            }
        } else {
            // move every input sitting on the current ref past it
            while (size > 0 && keys[0] == cur) {
                Postings p = heap[0];
                if (p.next()) {
                    replaceTop(p.at());
                } else {
                    popTop();
                }
            }
        }
        return settle();
    }

    @Override
    public boolean seek(long v) {
        if (done) {
            return false;
        }
        if (!started) {
            started = true;
            for (Postings p : inputs) {
                if (p.seek(v)) {
                    push(p, p.at());
                }
            }
            return settle();
        }
        if (cur >= v) {
            return true;
        }
        while (size > 0 && keys[0] < v) {
            Postings p = heap[0];
            if (p.seek(v)) {
                replaceTop(p.at());
            } else {
                popTop();
            }
        }
        return settle();
    }

    private boolean settle() {
        if (size == 0) {
            done = true;
            return false;
        }
        cur = keys[0];
        return true;
    }

    @Override
    public long at() {
        return cur;
    }

    private void push(Postings p, long key) {
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            keys[i] = keys[parent];
            i = parent;
        }
        heap[i] = p;
        keys[i] = key;
    }

    private void replaceTop(long key) {
        siftDown(heap[0], key);
    }

    private void popTop() {
        size--;
        if (size > 0) {
            siftDown(heap[size], keys[size]);
        }
        heap[size] = null;
    }

    private void siftDown(Postings p, long key) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && keys[c + 1] < keys[c]) {
                c++;
            }
            if (key <= keys[c]) {
                break;
            }
            heap[i] = heap[c];
            keys[i] = keys[c];
            i = c;
        }
        heap[i] = p;
        keys[i] = key;
    }
}
