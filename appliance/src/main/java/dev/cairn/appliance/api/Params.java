package dev.cairn.appliance.api;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request's parameters (URL query and, for POST, the form body, merged as Go's
 * {@code r.ParseForm} does: body values first) and Prometheus's parsing of times and durations.
 */
final class Params {
    /** Prometheus's minTime/maxTime of the API, the defaults of start and end (ms). */
    static final long MIN_TIME = -9223309901257974L;
    static final long MAX_TIME = 9223309901257974L;

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?"
            + "(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNITS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};

    private final Map<String, List<String>> values;

    Params(Map<String, List<String>> values) {
        this.values = values;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** The first value, or null. */
    String get(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** A time parameter in ms, or {@code dflt} when absent or empty. */
    long time(String name, long dflt) throws ApiError {
        String s = get(name);
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return parseTime(s);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidParam(name, e.getMessage());
        }
    }

    /**
     * Prometheus's parseTime: unix seconds with an optional fraction (rounded to ms), or RFC 3339
     * with optional nanoseconds.
     */
    static long parseTime(String s) {
        try {
            BigDecimal secs = new BigDecimal(s);
            return secs.movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            // not a number: try RFC 3339
        }
        if (s.equals("-292273086-05-16T16:47:06Z") || s.equals("0001-01-01T00:00:00Z")) {
            return MIN_TIME;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(s);
            return t.toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("cannot parse \"" + s + "\" to a valid timestamp");
        }
    }

    /** A duration parameter in ms: seconds as a float, or Prometheus's duration syntax; -1 when absent. */
    long duration(String name) throws ApiError {
        String s = get(name);
        if (s == null || s.isEmpty()) {
            return -1;
        }
        try {
            double secs = Double.parseDouble(s);
            if (Double.isNaN(secs) || Double.isInfinite(secs) || Math.abs(secs * 1000) >= Long.MAX_VALUE) {
                throw ApiError.invalidParam(name, "cannot parse \"" + s + "\" to a valid duration. It overflows int64");
            }
            return Math.round(secs * 1000);
        } catch (NumberFormatException e) {
            // Prometheus duration syntax below
        }
        Matcher m = DURATION.matcher(s);
        if (!s.isEmpty() && m.matches()) {
            long ms = 0;
            for (int i = 0; i < UNITS.length; i++) {
                if (m.group(i + 1) != null) {
                    ms += Long.parseLong(m.group(i + 1)) * UNITS[i];
                }
            }
            return ms;
        }
        throw ApiError.invalidParam(name, "cannot parse \"" + s + "\" to a valid duration");
    }
}
