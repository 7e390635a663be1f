package dev.cairn.appliance.query;

import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointSetTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    @Test
    void refresh_recordsHealthAndInfoOfStaticAndDynamicEndpoints() {
        EndpointSet set = new EndpointSet(pool, 1_000, () -> 42);
        TlsSettings tls = new TlsSettings(true, "/etc/cairn/ca.pem", null, null, "store.example", false);
        EndpointInfo info = new EndpointInfo(0, 100, List.of(Labels.of("replica", "a")));
        set.addStatic(Endpoint.of("static", new MemStore(), () -> info), tls);
        set.register(Endpoint.of("sidecar", new MemStore(), () -> {
            throw new UncheckedIOException(new ConnectException("connection refused"));
        }));
        assertTrue(set.statuses().stream().noneMatch(EndpointStatus::healthy), "unchecked endpoints are not healthy");
        set.refresh();
        List<EndpointStatus> s = set.statuses();
        assertEquals(List.of("sidecar", "static"), s.stream().map(EndpointStatus::name).toList());
        assertFalse(s.get(0).healthy());
        assertTrue(s.get(0).lastError().contains("connection refused"), s.get(0).lastError());
        assertTrue(s.get(1).healthy());
        assertEquals(info, s.get(1).info());
        assertEquals(tls, s.get(1).tls());
        assertNull(s.get(1).lastError());
        assertEquals(42, s.get(1).lastCheckMs());
    }

    @Test
    void refresh_endpointThatRecovers_isHealthyAgainAndKeepsInfoWhileDown() {
        AtomicReference<RuntimeException> fail = new AtomicReference<>();
        EndpointSet set = new EndpointSet(pool, 1_000, System::currentTimeMillis);
        set.register(Endpoint.of("flaky", new MemStore(), () -> {
            if (fail.get() != null) {
                throw fail.get();
            }
            return EndpointInfo.unbounded();
        }));
        set.refresh();
        assertTrue(set.statuses().get(0).healthy());
        fail.set(new IllegalStateException("503"));
        set.refresh();
        assertFalse(set.statuses().get(0).healthy());
        assertEquals(EndpointInfo.unbounded(), set.statuses().get(0).info());
        fail.set(null);
        set.refresh();
        assertTrue(set.statuses().get(0).healthy());
    }

    @Test
    void refresh_slowInfoCall_timesOutAsUnhealthy() {
        EndpointSet set = new EndpointSet(pool, 200, System::currentTimeMillis);
        set.register(Endpoint.of("slow", new MemStore(), () -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EndpointInfo.unbounded();
        }));
        long start = System.nanoTime();
        set.refresh();
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000);
        assertEquals("info call timed out after 200 ms", set.statuses().get(0).lastError());
    }

    @Test
    void unregister_removesDynamicOnly() {
        EndpointSet set = new EndpointSet(pool, 1_000, System::currentTimeMillis);
        set.addStatic(Endpoint.of("s", new MemStore(), EndpointInfo::unbounded), TlsSettings.PLAINTEXT);
        set.register(Endpoint.of("d", new MemStore(), EndpointInfo::unbounded));
        assertFalse(set.unregister("s"));
        assertTrue(set.unregister("d"));
        assertFalse(set.unregister("d"));
        assertEquals(List.of("s"), set.statuses().stream().map(EndpointStatus::name).toList());
        assertThrows(IllegalArgumentException.class,
                () -> set.register(Endpoint.of("s", new MemStore(), EndpointInfo::unbounded)));
    }

    @Test
    void start_refreshesPeriodicallyUntilClosed() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        EndpointSet set = new EndpointSet(pool, 1_000, System::currentTimeMillis);
        set.register(Endpoint.of("e", new MemStore(), () -> {
            calls.incrementAndGet();
            return EndpointInfo.unbounded();
        }));
        set.start(scheduler, 20);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (calls.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(calls.get() >= 3, "info calls " + calls.get());
        assertTrue(set.statuses().get(0).healthy());
        set.close();
        Thread.sleep(100);
        int after = calls.get();
        Thread.sleep(100);
        assertEquals(after, calls.get(), "no refresh after close");
    }
}
