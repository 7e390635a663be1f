package dev.cairn.appliance.registry;

import dev.cairn.appliance.web.MetricsSource;
import dev.cairn.appliance.web.MetricsText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The agents that report to this appliance, by agent id, from their heartbeats.
 *
 * <p><b>Health.</b> An agent is healthy while its last heartbeat is at most 3 heartbeat intervals old
 * (PROTOCOL.md). The appliance does not know each agent's {@code report.interval}, so it measures it: the
 * gap between an agent's last two heartbeats (at least 1 s), and {@value #DEFAULT_INTERVAL_MS} ms (the
 * agents' default) until a second one arrives. An agent with a longer interval therefore does not flap,
 * and one that stops turns unhealthy after three of its own intervals.
 *
 * <p><b>Dropping.</b> After {@value #DROP_AFTER_MS} ms without a heartbeat {@link #sweep()} takes a sidecar
 * agent out of the query fan-out (through the {@link Listener}); the agent stays listed, unhealthy, in
 * {@code GET /api/v1/agents} and on /metrics, so that the missing-heartbeat alert sees it, until
 * {@value #FORGET_AFTER_MS} ms of silence forget it. A decommissioned VM thus disappears by itself after a day;
 * one that comes back rejoins with its next heartbeat.
 *
 * <p>Thread-safe: heartbeats arrive on HTTP workers while the sweeper, scrapes and the API read.
 */
public final class AgentRegistry implements MetricsSource {
    static final long DEFAULT_INTERVAL_MS = 15_000;
    static final long DROP_AFTER_MS = 5 * 60_000;
    static final long FORGET_AFTER_MS = 24 * 3_600_000L;
    private static final long MIN_INTERVAL_MS = 1_000;
    private static final int UNHEALTHY_AFTER_INTERVALS = 3;

    /** What the query layer does with sidecar agents; called outside any lock of the registry. */
    public interface Listener {
        /** An agent announced a StoreAPI address (new, or changed since its last heartbeat). */
        void storeAdded(String agentId, String address);

        /** An agent that had a StoreAPI was dropped or stopped announcing one. */
        void storeRemoved(String agentId);
    }

    /**
     * One agent's latest heartbeat with when it arrived and the interval measured so far; {@code storeDropped}:
     * its StoreAPI was taken out of the fan-out for silence.
     */
    public record Agent(Heartbeat heartbeat, long lastHeartbeatMs, long intervalMs, boolean storeDropped) {
        public boolean healthy(long nowMs) {
            return nowMs - lastHeartbeatMs <= UNHEALTHY_AFTER_INTERVALS * intervalMs;
        }
    }

    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final Listener listener;

    /**
     * @param clock    wall-clock milliseconds
     * @param listener told when sidecar agents come and go (the query fan-out)
     */
    public AgentRegistry(LongSupplier clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    /** Records a heartbeat, and tells the listener when the agent's StoreAPI address is new or changed. */
    public void heartbeat(Heartbeat hb) {
        long now = clock.getAsLong();
        Agent[] before = new Agent[1];
        agents.compute(hb.agentId(), (id, old) -> {
            before[0] = old;
            long interval = old == null ? DEFAULT_INTERVAL_MS
                    : Math.max(MIN_INTERVAL_MS, now - old.lastHeartbeatMs());
            return new Agent(hb, now, interval, false);
        });
        String was = before[0] == null || before[0].storeDropped() ? "" : before[0].heartbeat().storeAddress();
        if (!hb.storeAddress().equals(was)) {
            if (hb.storeAddress().isEmpty()) {
                listener.storeRemoved(hb.agentId());
            } else {
                listener.storeAdded(hb.agentId(), hb.storeAddress());
            }
        }
    }

    /**
     * Takes the StoreAPIs of agents silent for longer than {@value #DROP_AFTER_MS} ms out of the fan-out and
     * forgets agents silent for longer than {@value #FORGET_AFTER_MS} ms; returns the ids taken out of the fan-out.
     */
    public List<String> sweep() {
        long now = clock.getAsLong();
        List<String> dropped = new ArrayList<>();
        for (Agent a : agents.values()) {
            long silent = now - a.lastHeartbeatMs();
            String id = a.heartbeat().agentId();
            boolean hasStore = !a.heartbeat().storeAddress().isEmpty() && !a.storeDropped();
            if (silent > FORGET_AFTER_MS) {
                if (agents.remove(id, a) && hasStore) {
                    dropped.add(id);
                    listener.storeRemoved(id);
                }
            } else if (silent > DROP_AFTER_MS && hasStore
                    && agents.replace(id, a, new Agent(a.heartbeat(), a.lastHeartbeatMs(), a.intervalMs(), true))) {
                dropped.add(id);
                listener.storeRemoved(id);
            }
        }
        return dropped;
    }

    /** Every known agent, sorted by id. */
    public List<Agent> agents() {
        List<Agent> out = new ArrayList<>(agents.values());
        out.sort((a, b) -> a.heartbeat().agentId().compareTo(b.heartbeat().agentId()));
        return out;
    }

    long now() {
        return clock.getAsLong();
    }

    /** The {@code data} of {@code GET /api/v1/agents}: heartbeat fields, last_heartbeat and healthy. */
    String listJson() {
        long now = clock.getAsLong();
        StringBuilder sb = new StringBuilder(512);
        sb.append('[');
        boolean first = true;
        for (Agent a : agents()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('{');
            a.heartbeat().writeFields(sb);
            sb.append(',');
            Heartbeat.field(sb, "last_heartbeat", Heartbeat.rfc3339(a.lastHeartbeatMs()));
            sb.append(",\"healthy\":").append(a.healthy(now)).append('}');
        }
        return sb.append(']').toString();
    }

    @Override
    public void writeMetrics(MetricsText out) {
        List<Agent> list = agents();
        long now = clock.getAsLong();
        out.single("cairn_agents_registered", "gauge", "Agents known to the registry (a heartbeat in the last 24 hours).",
                list.size());
        out.family("cairn_agents_healthy", "gauge", "Registered agents whose last heartbeat is within 3 intervals.");
        out.sample("cairn_agents_healthy", list.stream().filter(a -> a.healthy(now)).count());
        perAgent(out, list, "cairn_agent_last_heartbeat_timestamp_seconds",
                "When the agent's last heartbeat arrived, seconds since the epoch.", a -> a.lastHeartbeatMs() / 1000.0);
        perAgent(out, list, "cairn_agent_queue_bytes", "Bytes in the agent's relay disk queue, as last reported.",
                a -> a.heartbeat().queueBytes());
        perAgent(out, list, "cairn_agent_oldest_unsent_age_seconds",
                "Age of the oldest sample the agent has not yet delivered, as last reported.",
                a -> a.heartbeat().oldestUnsentAgeSeconds());
        perAgent(out, list, "cairn_agent_certificate_expiry_timestamp_seconds",
                "When the agent's client certificate expires, seconds since the epoch (0: none reported).",
                a -> a.heartbeat().certificateNotAfterMs() / 1000.0);
        perAgent(out, list, "cairn_agent_last_shipped_timestamp_seconds",
                "When the agent last shipped a block, seconds since the epoch (0: never).",
                a -> a.heartbeat().lastShippedMs() / 1000.0);
    }

    private static void perAgent(MetricsText out, List<Agent> list, String name, String help,
                                 java.util.function.ToDoubleFunction<Agent> value) {
        out.family(name, "gauge", help);
        for (Agent a : list) {
            out.sample(name, value.applyAsDouble(a), "agent_id", a.heartbeat().agentId(), "hostname",
                    a.heartbeat().hostname());
        }
    }
}
