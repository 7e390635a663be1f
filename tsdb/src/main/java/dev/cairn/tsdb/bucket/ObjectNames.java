package dev.cairn.tsdb.bucket;

import java.util.Comparator;

/** Validation and ordering of object names, shared by every {@link Bucket} so they agree. */
public final class ObjectNames {
    /** The directory delimiter. */
    public static final String DELIM = "/";

    /**
     * UTF-8 byte order, the order S3 lists keys in. For Java strings that is code point order, which
     * differs from {@link String#compareTo} (UTF-16 units) only around surrogate pairs.
     */
    public static final Comparator<String> ORDER = ObjectNames::compare;

    private ObjectNames() {
    }

    /**
     * Checks that {@code name} is a valid object name (see {@link Bucket}).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String checkObject(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("object name is empty");
        }
        if (name.startsWith(DELIM) || name.endsWith(DELIM)) {
            throw new IllegalArgumentException("object name \"" + name + "\" starts or ends with '/'");
        }
        for (String seg : name.split(DELIM, -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("object name \"" + name + "\" has an empty, '.' or '..' segment");
            }
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == 0) {
                throw new IllegalArgumentException("object name \"" + name + "\" contains a NUL character");
            }
        }
        return name;
    }

    /** {@code dir} as a listing prefix: {@code ""} or a checked name followed by {@code /}. */
    public static String dirPrefix(String dir) {
        if (dir == null || dir.isEmpty() || dir.equals(DELIM)) {
            return "";
        }
        String d = dir.endsWith(DELIM) ? dir.substring(0, dir.length() - 1) : dir;
        checkObject(d);
        return d + DELIM;
    }

    static void checkRange(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("range offset " + offset + " (expected >= 0)");
        }
        if (length < -1) {
            throw new IllegalArgumentException("range length " + length + " (expected >= 0, or -1 for the rest)");
        }
    }

    static void checkLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("upload length " + length + " (expected >= 0)");
        }
    }

    private static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
