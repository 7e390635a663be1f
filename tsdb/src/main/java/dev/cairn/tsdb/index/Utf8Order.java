package dev.cairn.tsdb.index;

import dev.cairn.tsdb.labels.Labels;
import java.util.Comparator;

/**
 * The order Go compares strings in: by UTF-8 bytes, which is Unicode code point order. Java's
 * {@link String#compareTo} compares UTF-16 units and disagrees for characters from U+E000 to
 * U+FFFF against characters beyond U+FFFF (surrogate pairs). The index must follow Go's order:
 * Prometheus binary-searches its symbol table and postings offset table with it.
 */
public final class Utf8Order {
    public static final Comparator<String> STRINGS = Utf8Order::compare;
    public static final Comparator<Labels> LABELS = Utf8Order::compare;

    private Utf8Order() {
    }

    public static int compare(String a, String b) {
        return Labels.compareStrings(a, b);
    }

    /** Prometheus's labels.Compare with Go string order: label by label, name then value, shorter first. */
    public static int compare(Labels a, Labels b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = compare(a.name(i), b.name(i));
            if (c != 0) {
                return c;
            }
            c = compare(a.value(i), b.value(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
