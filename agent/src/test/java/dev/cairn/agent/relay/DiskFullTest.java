package dev.cairn.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.tsdb.fs.FaultInjectingDisk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk full under the queue: requests are refused with 500 (Prometheus retries), loudly, and the
 * relay takes them again by itself once there is room, losing nothing it acknowledged.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void diskFull_refuses500Loudly_thenResumesByItself_losingNothingAcknowledged() throws Exception {
        List<String> errors = new ArrayList<>();
        Logger jul = Logger.getLogger(DiskQueue.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    synchronized (errors) {
                        errors.add(r.getMessage());
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        FaultInjectingDisk disk = new FaultInjectingDisk();
        try (TestReceiver rx = new TestReceiver();
             Relay relay = new Relay(RelayTest.config(dir, rx.url(), 1L << 30), disk).start()) {
            LoadGenerator gen = new LoadGenerator(20, 1_700_000_000_000L, "full");
            int i = 0;
            for (; i < 10; i++) {
                assertTrue(gen.send(RelayTest.writeUrl(relay), i));
            }
            disk.fill();
            for (int k = 0; k < 5; k++) {
                assertFalse(gen.send(RelayTest.writeUrl(relay), i), "a request the queue cannot store must fail");
            }
            assertEquals(0, relay.metrics().queueWritable());
            assertTrue(relay.metrics().requestsRefusedQueueFailed() >= 5);
            assertTrue(RelayTest.metricsText(relay).contains("\ncairn_relay_queue_writable 0\n"));
            synchronized (errors) {
                assertTrue(errors.stream().anyMatch(e -> e.contains("RELAY DISK QUEUE CANNOT WRITE")), errors.toString());
            }
            disk.freeSpace();
            // Prometheus retries the same request until it is taken; no restart in between
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!gen.send(RelayTest.writeUrl(relay), i)) {
                assertTrue(System.nanoTime() < deadline, "the relay did not take writes again within 15 s of free space");
                Thread.sleep(100);
            }
            for (i++; i < 20; i++) {
                assertTrue(gen.send(RelayTest.writeUrl(relay), i));
            }
            assertEquals(1, relay.metrics().queueWritable());
            RelayTest.await("every acknowledged sample downstream", 20_000, () -> rx.distinct() == gen.acked.size());
            assertEquals(20 * 20, gen.acked.size());
            assertEquals(gen.acked, rx.values);
            assertEquals(0, rx.conflicts.get());
        } finally {
            jul.removeHandler(h);
        }
        // and a restart reads the queue, torn tail and all, without complaint
        try (TestReceiver rx = new TestReceiver();
             Relay relay = new Relay(RelayTest.config(dir, rx.url(), 1L << 30)).start()) {
            LoadGenerator gen = new LoadGenerator(20, 1_700_000_000_000L, "after");
            assertTrue(gen.send(RelayTest.writeUrl(relay), 0));
            RelayTest.await("the new samples downstream", 10_000, () -> rx.values.keySet().stream()
                    .filter(k -> k.contains("run=\"after\"")).count() == 20);
        }
    }
}
