package dev.cairn.agent.relay;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code Retry-After} header of a 429 or 503 answer (RFC 9110 §10.2.3): either a number of
 * seconds or an HTTP date. Prometheus's sender waits that long instead of its own back-off when the
 * receiver says so; the relay does the same, so an appliance shedding load gets the pause it asked
 * for rather than a retry every {@code min_backoff}.
 */
final class RetryAfter {
    /** A receiver asking for more than this is probably wrong; waiting longer would only let the queue grow. */
    static final Duration MAX = Duration.ofMinutes(5);

    private RetryAfter() {
    }

    /**
     * How long the header asks to wait, at most {@link #MAX}; null when the header is absent or not
     * understood (the caller's back-off applies).
     *
     * @param nowMillis the current wall-clock time, for the date form
     */
    static Duration parse(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip();
        Duration d;
        if (h.chars().allMatch(Character::isDigit)) {
            try {
                d = Duration.ofSeconds(Long.parseLong(h));
            } catch (NumberFormatException e) {
                d = MAX; // more digits than a long: a very long wait
            }
        } else {
            try {
                long at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                d = Duration.ofMillis(Math.max(0, at - nowMillis));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
