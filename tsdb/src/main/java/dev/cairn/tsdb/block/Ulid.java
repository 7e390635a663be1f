package dev.cairn.tsdb.block;

import java.security.SecureRandom;
import java.util.Random;

/**
 * A ULID as Prometheus and Thanos name blocks: 48 bits of Unix milliseconds then 80 random bits,
 * written as 26 characters of Crockford's base32 (the first character carries only 3 bits, so it
 * is at most {@code 7}). The text sorts as the number does, hence block directories sort by
 * creation time.
 *
 * <p>{@link #generate()} is monotonic within the JVM: two ULIDs made in the same millisecond (or
 * after the clock stepped back) differ by incrementing the random part, so the later is greater.
 */
public record Ulid(long msb, long lsb) implements Comparable<Ulid> {
    private static final char[] ENCODE = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final byte[] DECODE = new byte[128];
    private static final long MAX_TIME = (1L << 48) - 1;

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ENCODE.length; i++) {
            DECODE[ENCODE[i]] = (byte) i;
            DECODE[Character.toLowerCase(ENCODE[i])] = (byte) i;
        }
    }

    private static final Random RANDOM = new SecureRandom();
    private static final Object LOCK = new Object();
    private static Ulid last;

    /** A new ULID for now, greater than every ULID this JVM generated before. */
    public static Ulid generate() {
        return generate(System.currentTimeMillis());
    }

    /** A new ULID for {@code millis}, greater than every ULID this JVM generated before. */
    public static Ulid generate(long millis) {
        if (millis < 0 || millis > MAX_TIME) {
            throw new IllegalArgumentException("ULID time " + millis + " ms is outside 48 bits");
        }
        synchronized (LOCK) {
            Ulid u;
            if (last != null && millis <= last.time()) {
                // Same millisecond (or a clock step back): count up from the last one to stay ordered.
                long lsb = last.lsb + 1;
                long msb = last.msb;
                if (lsb == 0) {
                    // The 80 random bits wrapped: the carry moves into the time bits, still ordered.
                    msb++;
                }
                u = new Ulid(msb, lsb);
            } else {
                u = of(millis, RANDOM);
            }
            last = u;
            return u;
        }
    }

    /** A ULID for {@code millis} with random bits from {@code random} (deterministic in tests). */
    public static Ulid of(long millis, Random random) {
        if (millis < 0 || millis > MAX_TIME) {
            throw new IllegalArgumentException("ULID time " + millis + " ms is outside 48 bits");
        }
        long msb = (millis << 16) | (random.nextInt() & 0xFFFFL);
        return new Ulid(msb, random.nextLong());
    }

    /** Milliseconds since the Unix epoch this ULID was made at. */
    public long time() {
        return msb >>> 16;
    }

    /**
     * Parses 26 Crockford base32 characters (either case).
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static Ulid parse(CharSequence s) {
        if (s.length() != 26) {
            throw new IllegalArgumentException("not a ULID: \"" + s + "\" has " + s.length() + " characters, want 26");
        }
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 26; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? DECODE[c] : -1;
            if (v < 0) {
                throw new IllegalArgumentException("not a ULID: \"" + s + "\" has '" + c + "' at " + i
                        + ", not a Crockford base32 digit");
            }
            if (i == 0 && v > 7) {
                throw new IllegalArgumentException("not a ULID: \"" + s + "\" overflows 128 bits (first character > 7)");
            }
            // shift the 128-bit value left by 5 and add v
            msb = (msb << 5) | (lsb >>> 59);
            lsb = (lsb << 5) | v;
        }
        return new Ulid(msb, lsb);
    }

    /** True when {@code s} is a well-formed ULID (as a block directory name must be). */
    public static boolean isValid(CharSequence s) {
        if (s.length() != 26) {
            return false;
        }
        for (int i = 0; i < 26; i++) {
            char c = s.charAt(i);
            int v = c < 128 ? DECODE[c] : -1;
            if (v < 0 || (i == 0 && v > 7)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Ulid o) {
        int c = Long.compareUnsigned(msb, o.msb);
        return c != 0 ? c : Long.compareUnsigned(lsb, o.lsb);
    }

    /** The 26-character canonical (upper case) form. */
    @Override
    public String toString() {
        char[] out = new char[26];
        long hi = msb;
        long lo = lsb;
        for (int i = 25; i >= 0; i--) {
            out[i] = ENCODE[(int) (lo & 31)];
            // shift the 128-bit value right by 5
            lo = (lo >>> 5) | (hi << 59);
            hi >>>= 5;
        }
        return new String(out);
    }
}
