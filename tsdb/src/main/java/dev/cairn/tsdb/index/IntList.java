package dev.cairn.tsdb.index;

import java.util.Arrays;

/** A growable int array: postings of one label pair while an index is written. */
final class IntList {
    private int[] a = new int[4];
    private int size;

    void add(int v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        a[size++] = v;
    }

    int get(int i) {
        return a[i];
    }

    int size() {
        return size;
    }
}
