package dev.cairn.agent.sidecar;

/**
 * Prometheus's duration syntax ({@code 2h}, {@code 1h30m}, {@code 15d}, {@code 500ms}; units y=365d,
 * w, d, h, m, s, ms), as its flags and status API print them. Parsed so that equal durations written
 * differently ({@code 2h} and {@code 120m}) compare equal.
 */
final class PromDuration {
    private PromDuration() {
    }

    /** Milliseconds of {@code text}; {@code what} names the source in the error. */
    static long parseMillis(String text, String what) {
        String s = text.trim();
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty, expected a duration such as 2h");
        }
        long total = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (start == i || i - start > 12) {
                throw new IllegalArgumentException(what + " \"" + text + "\" is not a Prometheus duration (e.g. 2h, 1h30m)");
            }
            long n = Long.parseLong(s.substring(start, i));
            int u = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            long unit = switch (s.substring(u, i)) {
                case "ms" -> 1L;
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                case "w" -> 7 * 86_400_000L;
                case "y" -> 365 * 86_400_000L;
                default -> throw new IllegalArgumentException(what + " \"" + text + "\" has unit \""
                        + s.substring(u, i) + "\"; Prometheus durations use y, w, d, h, m, s, ms");
            };
            total = Math.addExact(total, Math.multiplyExact(n, unit));
        }
        return total;
    }
}
