package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetryAfterTest {
    @TempDir
    Path dir;

    @Test
    void parse_secondsAndHttpDate_cappedAndTolerant() {
        long now = Instant.parse("2026-11-25T17:00:00Z").toEpochMilli();
        assertEquals(Duration.ofSeconds(7), RetryAfter.parse("7", now));
        assertEquals(Duration.ZERO, RetryAfter.parse("0", now));
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Wed, 25 Nov 2026 17:01:30 GMT", now));
        assertEquals(Duration.ZERO, RetryAfter.parse("Wed, 25 Nov 2026 16:00:00 GMT", now), "a date in the past");
        assertEquals(RetryAfter.MAX, RetryAfter.parse("86400", now));
        assertEquals(RetryAfter.MAX, RetryAfter.parse("99999999999999999999999", now));
        assertNull(RetryAfter.parse(null, now));
        assertNull(RetryAfter.parse("soon", now));
        assertNull(RetryAfter.parse("-3", now));
    }

    @Test
    void downstream503WithRetryAfter_waitsAsAskedInsteadOfTheBackoff() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(RelayTest.config(dir, rx.url(), 1L << 30)).start()) {
            AtomicInteger n = new AtomicInteger();
            rx.retryAfter = "2"; // the back-off would retry after 10 ms
            rx.status = () -> n.incrementAndGet() == 1 ? 503 : 0;
            LoadGenerator gen = new LoadGenerator(5, 1_700_000_000_000L, "ra");
            assertTrue(gen.send(RelayTest.writeUrl(relay), 0));
            RelayTest.await("5 samples downstream", 15_000, () -> rx.distinct() == 5);
            long gapMs = (rx.arrivals.get(1) - rx.arrivals.get(0)) / 1_000_000;
            assertTrue(gapMs >= 1900, "retried after " + gapMs + " ms; Retry-After asked for 2 s");
            assertEquals(gen.acked, rx.values);
        }
    }

    @Test
    void downstream429WithRetryAfterDate_waitsUntilThen() throws Exception {
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(RelayTest.config(dir, rx.url(), 1L << 30)).start()) {
            AtomicInteger n = new AtomicInteger();
            rx.status = () -> {
                if (n.incrementAndGet() == 1) {
                    // whole seconds only in an HTTP date: at least 2 s from now
                    rx.retryAfter = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            Instant.now().plusSeconds(3).atOffset(ZoneOffset.UTC));
                    return 429;
                }
                return 0;
            };
            LoadGenerator gen = new LoadGenerator(5, 1_700_000_000_000L, "rb");
            assertTrue(gen.send(RelayTest.writeUrl(relay), 0));
            RelayTest.await("5 samples downstream", 15_000, () -> rx.distinct() == 5);
            long gapMs = (rx.arrivals.get(1) - rx.arrivals.get(0)) / 1_000_000;
            assertTrue(gapMs >= 1900, "retried after " + gapMs + " ms; Retry-After asked for about 3 s");
        }
    }
}
