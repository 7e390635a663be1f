package dev.cairn.appliance.sizing;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus's duration syntax ({@code 1y2w3d4h5m6s7ms}, units in that order; 1y = 365d, no leap days). */
public final class PromDuration {
    private static final Pattern SYNTAX =
            Pattern.compile("(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};

    private PromDuration() {
    }

    /** @throws IllegalArgumentException naming the text when it is not such a duration */
    public static Duration parse(String s) {
        Matcher m = SYNTAX.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("\"" + s + "\" is not a duration like 60d, 1y, 12w, 36h");
        }
        long ms = 0;
        for (int i = 0; i < UNIT_MS.length; i++) {
            String g = m.group(i + 1);
            if (g != null) {
                try {
                    ms = Math.addExact(ms, Math.multiplyExact(Long.parseLong(g), UNIT_MS[i]));
                } catch (ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException("\"" + s + "\" is too long a duration");
                }
            }
        }
        return Duration.ofMillis(ms);
    }
}
