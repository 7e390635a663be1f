package dev.cairn.storeapi.remotewrite;

import com.google.protobuf.UnsafeByteOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/*
 * Why a cache: a remote write request repeats the same few hundred strings over and over (label
 * names, metric names, job, instance, cpu, mode, device...). Prometheus sends most batches with one
 * sample per series, so building a fresh String per label (UTF-8 validation, a byte copy, a String)
 * and re-checking the name rules was most of the decoder's time. Here a label string costs a hash
 * of its bytes and one byte comparison; the UTF-8 check, the decoding and the name rules run once,
 * when the string enters the cache. The returned Strings are shared, which also spares the head
 * one copy per series.
 *
 * Shape: open addressing over a power-of-two table of parallel arrays (bytes, String, facts,
 * hash), probed at most PROBES slots from the home slot. A miss with no free slot in that window
 * overwrites one of them (round robin), so the table never grows and no lookup probes further:
 * the bound is capacity entries of at most maxLength bytes each. Strings longer than maxLength
 * (trace ids, long paths) are decoded every time and never evict the short, repeating ones.
 *
 * Not thread-safe: one per decoder, like the decoder's other scratch.
 */

/**
 * A bounded cache from UTF-8 label bytes to the String they decode to, with the label name rules
 * ({@link LabelRules}) evaluated once per cached string. Invalid UTF-8 is never cached.
 */
final class LabelStringCache {
    /** The string is a valid label name ({@code [a-zA-Z_][a-zA-Z0-9_]*}). */
    static final int LABEL_NAME = 1;
    /** The string is a valid metric name ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}). */
    static final int METRIC_NAME = 2;
    /** The string is empty (a label with an empty value is absent). */
    static final int EMPTY = 4;

    static final int DEFAULT_CAPACITY = 2048;
    static final int DEFAULT_MAX_LENGTH = 64;
    private static final int PROBES = 4;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int mask;
    private final int shift;
    private final int maxLength;
    private final byte[][] keys;
    private final String[] strings;
    private final byte[] facts;
    private final int[] hashes;
    private int size;
    private int victim;
    /** Facts of the string last returned by {@link #get}; a field so the hot path allocates nothing. */
    private int lastFacts;

    /**
     * @param capacity most strings held; rounded up to a power of two, at least {@value #PROBES}
     * @param maxLength longest string, in UTF-8 bytes, that is cached
     */
    LabelStringCache(int capacity, int maxLength) {
        if (capacity <= 0 || capacity > 1 << 24) {
            throw new IllegalArgumentException("label cache capacity: " + capacity + " (expected 1.." + (1 << 24) + ")");
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("label cache maxLength: " + maxLength + " (expected >= 0)");
        }
        int n = Math.max(PROBES, Integer.highestOneBit(capacity - 1) << 1);
        this.mask = n - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(n);
        this.maxLength = maxLength;
        this.keys = new byte[n][];
        this.strings = new String[n];
        this.facts = new byte[n];
        this.hashes = new int[n];
    }

    LabelStringCache() {
        this(DEFAULT_CAPACITY, DEFAULT_MAX_LENGTH);
    }

    /**
     * The String that {@code len} bytes of {@code buf} from {@code off} decode to as UTF-8, or null
     * when they are not valid UTF-8 (as protobuf defines it: no overlong forms, no surrogates, no
     * code point above U+10FFFF). {@link #lastFacts()} then tells which name rules it meets.
     */
    String get(byte[] buf, int off, int len) {
        if (len == 0) {
            lastFacts = EMPTY;
            return "";
        }
        if (len > maxLength) {
            String s = decode(buf, off, len);
            lastFacts = s == null ? 0 : factsOf(s);
            return s;
        }
        int h = hash(buf, off, len);
        int home = (h * 0x9E3779B9) >>> shift; // top bits of a multiplicative hash: low bits of h may be weak
        for (int i = 0; i < PROBES; i++) {
            int slot = (home + i) & mask;
            byte[] key = keys[slot];
            if (key == null) {
                return insert(slot, h, buf, off, len);
            }
            if (hashes[slot] == h && key.length == len && equal(key, 0, buf, off, len)) {
                lastFacts = facts[slot];
                return strings[slot];
            }
        }
        // the window is full: replace one of its entries, a different one each time
        return insert((home + (victim++ & (PROBES - 1))) & mask, h, buf, off, len);
    }

    int lastFacts() {
        return lastFacts;
    }

    /** Strings held now; never more than the capacity. */
    int size() {
        return size;
    }

    /** Slots in the table: the capacity asked for, rounded up to a power of two. */
    int capacity() {
        return mask + 1;
    }

    private String insert(int slot, int h, byte[] buf, int off, int len) {
        String s = decode(buf, off, len);
        if (s == null) {
            lastFacts = 0;
            return null; // never cached: the request fails anyway
        }
        if (keys[slot] == null) {
            size++;
        }
        keys[slot] = Arrays.copyOfRange(buf, off, off + len);
        strings[slot] = s;
        hashes[slot] = h;
        int f = factsOf(s);
        facts[slot] = (byte) f;
        lastFacts = f;
        return s;
    }

    /** The facts of any string, cached or not. */
    static int factsOf(String s) {
        return (LabelRules.isValidLabelName(s) ? LABEL_NAME : 0) | (LabelRules.isValidMetricName(s) ? METRIC_NAME : 0)
                | (s.isEmpty() ? EMPTY : 0);
    }

    /**
     * Whether {@code len} bytes of {@code a} from {@code ai} equal those of {@code b} from {@code bi},
     * compared eight at a time: label strings are short, and Arrays.equals's setup costs more than
     * the comparison at these lengths.
     */
    static boolean equal(byte[] a, int ai, byte[] b, int bi, int len) {
        if (len < 8) {
            for (int i = 0; i < len; i++) {
                if (a[ai + i] != b[bi + i]) {
                    return false;
                }
            }
            return true;
        }
        int last = len - 8;
        for (int i = 0; i < last; i += 8) {
            if ((long) LONGS.get(a, ai + i) != (long) LONGS.get(b, bi + i)) {
                return false;
            }
        }
        return (long) LONGS.get(a, ai + last) == (long) LONGS.get(b, bi + last); // the tail, overlapping
    }

    /** UTF-8 to String, or null when the bytes are not UTF-8 as protobuf's string check defines it. */
    static String decode(byte[] buf, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (buf[i] < 0) {
                // protobuf's own definition of valid UTF-8, so we refuse exactly what its parser refuses
                return UnsafeByteOperations.unsafeWrap(buf, i, end - i).isValidUtf8()
                        ? new String(buf, off, len, StandardCharsets.UTF_8) : null;
            }
        }
        return new String(buf, off, len, StandardCharsets.ISO_8859_1); // all ASCII: the cheapest decoding
    }

    /**
     * A 32-bit hash of the bytes, eight at a time. Package-private so a test can find real
     * collisions and check that they are told apart.
     */
    static int hash(byte[] buf, int off, int len) {
        long h = len * 0x9E3779B97F4A7C15L;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = (h ^ (long) LONGS.get(buf, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        if (i < end) {
            long w = 0;
            for (int s = 0; i < end; i++, s += 8) {
                w |= (buf[i] & 0xFFL) << s;
            }
            h = (h ^ w) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return (int) (h ^ (h >>> 32));
    }
}
