package dev.cairn.appliance.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The endpoints queries fan out to (Thanos's EndpointSet): static ones from the configuration, each
 * with its TLS settings, and dynamic ones registered at run time (agents announcing their sidecars).
 * {@link #refresh()} asks every endpoint for its {@link EndpointInfo} in parallel, each bounded by
 * the info timeout; an endpoint whose call fails or times out turns unhealthy and keeps its last
 * known info. A new endpoint is unhealthy until its first successful info call, so a query never
 * prunes with information it does not have. Thread-safe.
 */
public final class EndpointSet implements AutoCloseable {
    private final Map<String, EndpointStatus> endpoints = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    private final long infoTimeoutMs;
    private final LongSupplier clock;
    private ScheduledFuture<?> periodic;

    /**
     * @param pool          runs the info calls (shared with queries is fine; it must be bounded)
     * @param infoTimeoutMs how long one info call may take before the endpoint counts as unhealthy
     * @param clock         wall-clock milliseconds, for {@link EndpointStatus#lastCheckMs()}
     */
    public EndpointSet(ExecutorService pool, long infoTimeoutMs, LongSupplier clock) {
        this.pool = pool;
        this.infoTimeoutMs = infoTimeoutMs;
        this.clock = clock;
    }

    /** Adds an endpoint from the configuration. */
    public void addStatic(Endpoint e, TlsSettings tls) {
        put(new EndpointStatus(e, tls, true, false, null, "not checked yet", 0));
    }

    /** Adds (or replaces, by name) an endpoint discovered at run time. */
    public void register(Endpoint e) {
        put(new EndpointStatus(e, TlsSettings.PLAINTEXT, false, false, null, "not checked yet", 0));
    }

    /** Removes a dynamically registered endpoint; static ones stay. Returns whether one was removed. */
    public boolean unregister(String name) {
        EndpointStatus s = endpoints.get(name);
        return s != null && !s.isStatic() && endpoints.remove(name, s);
    }

    private void put(EndpointStatus s) {
        EndpointStatus old = endpoints.putIfAbsent(s.name(), s);
        if (old != null) {
            if (old.isStatic() && !s.isStatic()) {
                throw new IllegalArgumentException("endpoint " + s.name() + " is configured statically; "
                        + "a dynamic registration cannot replace it");
            }
            endpoints.put(s.name(), s);
        }
    }

    /** Every endpoint's current status, sorted by name. */
    public List<EndpointStatus> statuses() {
        List<EndpointStatus> out = new ArrayList<>(endpoints.values());
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** Calls info on every endpoint in parallel and records health; returns when all answered or timed out. */
    public void refresh() {
        List<EndpointStatus> current = statuses();
        List<Future<EndpointInfo>> calls = new ArrayList<>(current.size());
        for (EndpointStatus s : current) {
            calls.add(pool.submit(s.endpoint()::info));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(infoTimeoutMs);
        for (int i = 0; i < current.size(); i++) {
            EndpointStatus s = current.get(i);
            Future<EndpointInfo> f = calls.get(i);
            EndpointStatus next;
            try {
                EndpointInfo info = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                next = s.checked(info, clock.getAsLong());
            } catch (TimeoutException e) {
                f.cancel(true);
                next = s.failed("info call timed out after " + infoTimeoutMs + " ms", clock.getAsLong());
            } catch (ExecutionException e) {
                next = s.failed("info call failed: " + e.getCause(), clock.getAsLong());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // only if it was not unregistered or replaced meanwhile
            endpoints.replace(s.name(), s, next);
        }
    }

    /** Runs {@link #refresh()} every {@code intervalMs} on {@code scheduler} until {@link #close()}. */
    public synchronized void start(ScheduledExecutorService scheduler, long intervalMs) {
        if (periodic != null) {
            throw new IllegalStateException("endpoint set is already refreshing");
        }
        periodic = scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        // a thrown exception would cancel the schedule; refresh() records failures per endpoint, so
        // anything reaching here is a bug we must not let stop health checking
        try {
            refresh();
        } catch (RuntimeException e) {
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
    }

    @Override
    public synchronized void close() {
        if (periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
    }
}
