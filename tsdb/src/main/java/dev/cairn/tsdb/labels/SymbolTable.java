package dev.cairn.tsdb.labels;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Interns label names and values so that millions of series sharing {@code job="node"} hold one
 * String. Thread-safe; grows without bound, so its owner (a head, an index reader) drops it with
 * the data it serves.
 */
public final class SymbolTable {
    private final ConcurrentHashMap<String, String> strings = new ConcurrentHashMap<>();

    public String intern(String s) {
        String prev = strings.putIfAbsent(s, s);
        return prev == null ? s : prev;
    }

    /** A label set whose strings are shared with every other set interned here. */
    public Labels intern(Labels l) {
        String[] kv = l.toArray();
        for (int i = 0; i < kv.length; i++) {
            kv[i] = intern(kv[i]);
        }
        return Labels.ofSorted(kv);
    }

    public int size() {
        return strings.size();
    }
}
