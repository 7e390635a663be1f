package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At low traffic a request is forwarded within batch_send_deadline, right after start and after a restart. */
class RelayLatencyTest {
    private static final Duration DEADLINE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private AgentConfig config(TestReceiver rx) {
        AgentConfig c = RelayTest.config(dir, rx.url(), 1L << 30);
        return c.withRelay(c.relay().withQueue(AgentConfig.defaults().relay().queue().withBatch(500, DEADLINE)));
    }

    @Test
    void singleSmallRequest_isForwardedWithinTheBatchSendDeadline() throws Exception {
        LoadGenerator gen = new LoadGenerator(3, 1_700_000_000_000L, "lat");
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(rx)).start()) {
            assertForwardedInTime(rx, relay, gen, 0, 3);
            Thread.sleep(1500); // idle a while, then one more
            assertForwardedInTime(rx, relay, gen, 1, 6);
        }
        try (TestReceiver rx = new TestReceiver(); Relay relay = new Relay(config(rx)).start()) {
            assertForwardedInTime(rx, relay, gen, 2, 3); // after a restart on the same queue
        }
    }

    private static void assertForwardedInTime(TestReceiver rx, Relay relay, LoadGenerator gen, int i, int expect)
            throws Exception {
        long start = System.nanoTime();
        assertTrue(gen.send(RelayTest.writeUrl(relay), i));
        // the deadline plus a generous margin for a loaded machine; the bug was ~60 s
        RelayTest.await(expect + " samples downstream", DEADLINE.toMillis() + 4000, () -> rx.distinct() == expect);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < DEADLINE.toMillis() + 4000, "took " + ms + " ms");
        assertEquals(0, rx.conflicts.get());
    }
}
