package dev.cairn.appliance.promql.parser;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * PromQL durations ({@code 1h30m}, {@code 5m}, {@code 100ms}, {@code 2y}) in milliseconds, parsed
 * and printed as Prometheus's common/model.Duration does (v0.39, the one Prometheus 2.42 uses): units
 * from largest to smallest, each at most once, a year is 365 days.
 */
public final class Durations {
    private static final Pattern SYNTAX = Pattern.compile(
            "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$");
    private static final long[] UNIT_MS = {
        365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600L * 1000, 60L * 1000, 1000L, 1L
    };
    private static final String[] UNIT_NAMES = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long NANOS_PER_MS = 1_000_000L;

    private Durations() {}

    /**
     * Milliseconds of a duration string.
     *
     * @throws IllegalArgumentException with Prometheus's wording ({@code not a valid duration
     *     string: "5m1h"}, {@code duration out of range}, {@code empty duration string})
     */
    public static long parse(String s) {
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        java.util.regex.Matcher m = SYNTAX.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a valid duration string: " + GoText.quote(s));
        }
        long nanos = 0;
        boolean overflow = false;
        for (int u = 0; u < UNIT_MS.length; u++) {
            String digits = m.group(2 * u + 2);
            if (digits == null) {
                continue;
            }
            BigInteger big = new BigInteger(digits);
            long n = big.bitLength() > 63 ? Long.MAX_VALUE : big.longValue();
            // Go's limit: time.Duration (nanoseconds in an int64) must hold the value.
            if (n > Long.MAX_VALUE / UNIT_MS[u] / NANOS_PER_MS) {
                overflow = true;
                continue;
            }
            try {
                nanos = Math.addExact(nanos, n * NANOS_PER_MS * UNIT_MS[u]);
            } catch (ArithmeticException e) {
                overflow = true;
            }
        }
        if (overflow) {
            throw new IllegalArgumentException("duration out of range");
        }
        return nanos / NANOS_PER_MS;
    }

    /** Prometheus's text of a non-negative duration: {@code 1h30m}, {@code 1w}, {@code 0s}. */
    public static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < UNIT_MS.length; u++) {
            long mult = UNIT_MS[u];
            // Years and weeks only when they divide the whole duration, as Prometheus prints.
            if (u < 2 && ms % mult != 0) {
                continue;
            }
            long v = ms / mult;
            if (v > 0) {
                sb.append(v).append(UNIT_NAMES[u]);
                ms -= v * mult;
            }
        }
        return sb.toString();
    }
}
