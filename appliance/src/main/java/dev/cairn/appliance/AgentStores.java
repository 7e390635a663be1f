package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.query.EndpointSet;
import dev.cairn.appliance.registry.AgentRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sidecar agents in the query fan-out: the {@link AgentRegistry} tells this class when an agent announces
 * a StoreAPI address (or stops), and it registers a {@link StoreApiEndpoint} for it in the query
 * layer's {@link EndpointSet} (or unregisters and closes it). A new endpoint's info is asked for right
 * away on {@code refresher}, so the agent's data is queryable within a moment of its first heartbeat
 * rather than at the next periodic health check.
 *
 * <p>It also owns the registry and its timer: every {@value #SWEEP_INTERVAL_MS} ms the registry forgets
 * agents silent for 5 minutes, which takes their StoreAPI out of the fan-out.
 *
 * <p>The connection is plaintext for now: the appliance has no client certificate of its own CA yet
 * (the agents' port and its PKI come with enrollment).
 */
final class AgentStores implements AgentRegistry.Listener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentStores.class.getName());

    static final long SWEEP_INTERVAL_MS = 30_000;

    private final EndpointSet set;
    private final Duration timeout;
    private final QueryLoopGuard loops;
    private final ScheduledExecutorService timer;
    private final AgentRegistry registry;
    private final Map<String, StoreApiEndpoint> byAgent = new HashMap<>();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();

    /**
     * Starts the registry's sweeper; sidecar agents' StoreAPIs go into {@code set}, called with this
     * appliance's query path ({@code loops}).
     */
    AgentStores(EndpointSet set, Duration timeout, QueryLoopGuard loops) {
        this.set = set;
        this.timeout = timeout;
        this.loops = loops;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-agent-registry");
            t.setDaemon(true);
            return t;
        });
        this.registry = new AgentRegistry(System::currentTimeMillis, this);
        timer.scheduleWithFixedDelay(() -> {
            try {
                registry.sweep();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "sweeping the agent registry failed", e);
            }
        }, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    AgentRegistry registry() {
        return registry;
    }

    @Override
    public void storeAdded(String agentId, String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        StoreApiEndpoint e;
        try {
            e = StoreApiEndpoint.connect(new ApplianceConfig.StoreEndpoint(host, port, null), timeout, loops);
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "agent {0}: cannot set up its StoreAPI at {1}: {2}", agentId, address,
                    ex.getMessage());
            return;
        }
        StoreApiEndpoint old;
        synchronized (this) {
            old = byAgent.put(agentId, e);
            if (old != null) {
                set.unregister(old.name());
            }
            try {
                set.register(e);
            } catch (IllegalArgumentException ex) {
                byAgent.remove(agentId);
                e.close();
                LOG.log(System.Logger.Level.WARNING, "agent {0}: its StoreAPI {1} is already a configured endpoint; "
                        + "queried once, as configured", agentId, address);
            }
        }
        if (old != null) {
            old.close();
        }
        LOG.log(System.Logger.Level.INFO, "agent {0}: StoreAPI {1} joins the query fan-out", agentId, address);
        // many agents announce themselves together after an appliance restart: one refresh serves them all
        if (refreshQueued.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    refreshQueued.set(false);
                    set.refresh();
                });
            } catch (RejectedExecutionException stopping) {
                // stopping: the query layer closes next
            }
        }
    }

    @Override
    public void storeRemoved(String agentId) {
        StoreApiEndpoint old;
        synchronized (this) {
            old = byAgent.remove(agentId);
            if (old != null) {
                set.unregister(old.name());
            }
        }
        if (old != null) {
            old.close();
            LOG.log(System.Logger.Level.INFO, "agent {0}: StoreAPI {1} leaves the query fan-out", agentId, old.name());
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        for (StoreApiEndpoint e : byAgent.values()) {
            set.unregister(e.name());
            e.close();
        }
        byAgent.clear();
    }
}
