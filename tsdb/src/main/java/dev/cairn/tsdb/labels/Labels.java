package dev.cairn.tsdb.labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable label set, sorted by name, names unique: the identity of a series.
 *
 * <p>Stored as one flat array {@code [name0, value0, name1, value1, ...]} so a set costs one object
 * plus its strings (which {@link SymbolTable} may share). {@link #hashCode()} is cached and
 * {@link #hash()} is a stable 64-bit hash for sharding and head lookup.
 */
public final class Labels implements Comparable<Labels> {
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new String[0]);

    private final String[] kv;
    private int hashCode;
    private long hash64;

    private Labels(String[] kv) {
        this.kv = kv;
    }

    /** From alternating name/value strings in any order; duplicate names are rejected. */
    public static Labels of(String... nameValues) {
        if (nameValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels need name/value pairs, got " + nameValues.length + " strings");
        }
        int n = nameValues.length / 2;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> nameValues[2 * a].compareTo(nameValues[2 * b]));
        String[] kv = new String[nameValues.length];
        for (int i = 0; i < n; i++) {
            kv[2 * i] = nameValues[2 * order[i]];
            kv[2 * i + 1] = nameValues[2 * order[i] + 1];
            if (i > 0 && kv[2 * i].equals(kv[2 * i - 2])) {
                throw new IllegalArgumentException("duplicate label name " + kv[2 * i]);
            }
        }
        return new Labels(kv);
    }

    public static Labels of(Map<String, String> map) {
        String[] kv = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            kv[i++] = e.getKey();
            kv[i++] = e.getValue();
        }
        return of(kv);
    }

    /**
     * Wraps an array already sorted by name with unique names, without copying. The caller gives
     * up the array. Used by decoders that read labels in index order.
     */
    public static Labels ofSorted(String[] nameValues) {
        return new Labels(nameValues);
    }

    public int size() {
        return kv.length / 2;
    }

    public boolean isEmpty() {
        return kv.length == 0;
    }

    public String name(int i) {
        return kv[2 * i];
    }

    public String value(int i) {
        return kv[2 * i + 1];
    }

    /** The value of label {@code name}, or "" when absent (Prometheus treats the two alike). */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? "" : kv[2 * i + 1];
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    private int indexOf(String name) {
        int lo = 0;
        int hi = kv.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = kv[2 * mid].compareTo(name);
            if (c == 0) {
                return mid;
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < kv.length; i += 2) {
            action.accept(kv[i], kv[i + 1]);
        }
    }

    public List<Label> toList() {
        List<Label> out = new ArrayList<>(size());
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new Label(kv[i], kv[i + 1]));
        }
        return out;
    }

    /** A copy of the flat name/value array. */
    public String[] toArray() {
        return kv.clone();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < kv.length; i += 2) {
            b.set(kv[i], kv[i + 1]);
        }
        return b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Order of Prometheus's labels.Compare: label by label, name then value, shorter set first
     * when one is a prefix of the other, strings in Go's (UTF-8 byte) order. Sorted series in an
     * index follow this order.
     */
    @Override
    public int compareTo(Labels o) {
        int n = Math.min(kv.length, o.kv.length);
        for (int i = 0; i < n; i += 2) {
            int c = compareStrings(kv[i], o.kv[i]);
            if (c != 0) {
                return c;
            }
            c = compareStrings(kv[i + 1], o.kv[i + 1]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(kv.length, o.kv.length);
    }

    /**
     * Go's string order: UTF-8 bytes, which is code point order. {@link String#compareTo} compares
     * UTF-16 units and disagrees for U+E000..U+FFFF against code points above U+FFFF.
     */
    public static int compareStrings(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    // surrogates (code points above U+FFFF) sort after U+E000..U+FFFF
                    return surrogateLast(x) - surrogateLast(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int surrogateLast(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Labels)) {
            return false;
        }
        Labels l = (Labels) o;
        return hashCode() == l.hashCode() && Arrays.equals(kv, l.kv);
    }

    @Override
    public int hashCode() {
        int h = hashCode;
        if (h == 0) {
            h = Arrays.hashCode(kv);
            hashCode = h == 0 ? 1 : h;
        }
        return hashCode;
    }

    /**
     * Stable 64-bit hash for the head's series table: each name and value contributes its
     * {@link String#hashCode()} (defined by the Java spec, so identical across JVMs and runs) and
     * its length, mixed per position. Built on the strings' own hash codes because the head's
     * strings are shared ({@link SymbolTable}) and cache theirs, and a fresh string computes its
     * hash code with one cheap step per char: this runs once per received series, and the
     * byte-wise FNV-1a it replaces (two 64-bit multiplies per char) was a fifth of the receive
     * path's CPU.
     */
    public long hash() {
        long h = hash64;
        if (h == 0) {
            h = 0x9E3779B97F4A7C15L;
            for (String s : kv) {
                h ^= (s.hashCode() & 0xFFFFFFFFL) | ((long) s.length() << 32);
                h *= 0xBF58476D1CE4E5B9L;
                h ^= h >>> 29;
            }
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 32;
            hash64 = h == 0 ? 1 : h;
        }
        return hash64;
    }

    /** Prometheus's text form: {@code {__name__="up", job="x"}} with Go-quoted values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(16 * kv.length);
        sb.append('{');
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(kv[i]).append('=');
            appendQuoted(sb, kv[i + 1]);
        }
        return sb.append('}').toString();
    }

    /** {@code s} in double quotes with Go's escapes. */
    public static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s);
        return sb.toString();
    }

    /** Go's strconv.Quote for the printable UTF-8 text labels hold. */
    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\u0007' -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\u000b' -> sb.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else if (c < 0x80) {
                        sb.append(c);
                    } else {
                        int cp = s.codePointAt(i);
                        if (Character.isSupplementaryCodePoint(cp)) {
                            i++;
                        }
                        if (goPrintable(cp)) {
                            sb.appendCodePoint(cp);
                        } else if (cp > 0xFFFF) {
                            sb.append(String.format("\\U%08x", cp));
                        } else {
                            sb.append(String.format("\\u%04x", cp));
                        }
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols; no other space than ' '. */
    private static boolean goPrintable(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** Collects labels in any order; {@link #build()} sorts them. Setting "" removes a label. */
    public static final class Builder {
        private final java.util.TreeMap<String, String> map = new java.util.TreeMap<>();

        public Builder set(String name, String value) {
            if (value == null || value.isEmpty()) {
                map.remove(name);
            } else {
                map.put(name, value);
            }
            return this;
        }

        public Builder delete(String name) {
            map.remove(name);
            return this;
        }

        public Labels build() {
            String[] kv = new String[map.size() * 2];
            int i = 0;
            for (Map.Entry<String, String> e : map.entrySet()) {
                kv[i++] = e.getKey();
                kv[i++] = e.getValue();
            }
            return new Labels(kv);
        }
    }
}
