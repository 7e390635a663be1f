package dev.cairn.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Sends {@code POST /api/v1/agents/heartbeat} every {@code report.interval}, the first right away. A
 * failed heartbeat is counted and logged (once per change of error, so a down appliance does not flood
 * the log) and simply tried again at the next tick: the appliance only needs the latest one. The
 * relay and the sidecar do not depend on it.
 */
public final class HeartbeatSender implements Closeable {
    public static final String PATH = "/api/v1/agents/heartbeat";

    /** Who this agent is; fixed for the process's life. */
    public record Identity(String agentId, String hostname, String version, String mode, long startedMs) {
    }

    private final ApplianceClient client;
    private final Identity identity;
    private final Supplier<AgentStatus> status;
    private final LongSupplier clock;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService timer;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong lastSuccessMs = new AtomicLong();
    private volatile String lastError;

    public HeartbeatSender(ApplianceClient client, Identity identity, Supplier<AgentStatus> status, LongSupplier clock) {
        this.client = client;
        this.identity = identity;
        this.status = status;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sending every {@code interval}. */
    public HeartbeatSender start(Duration interval) {
        timer.scheduleWithFixedDelay(this::sendLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Sends one heartbeat now; throws when the appliance cannot be reached or refuses it. */
    public void send() throws IOException, InterruptedException {
        ApplianceClient.Answer a = client.postJson(PATH, body(status.get()));
        if (a.status() != 204 && a.status() != 200) {
            throw new IOException("the appliance at " + client.origin() + " answered the heartbeat with " + a.status()
                    + ": " + a.body());
        }
    }

    /** The heartbeat's JSON, with PROTOCOL.md's field names. */
    String body(AgentStatus s) throws JsonProcessingException {
        ObjectNode n = json.createObjectNode();
        n.put("agent_id", identity.agentId());
        n.put("hostname", identity.hostname());
        n.put("version", identity.version());
        n.put("mode", identity.mode());
        ObjectNode labels = n.putObject("external_labels");
        for (Map.Entry<String, String> e : s.externalLabels().entrySet()) {
            labels.put(e.getKey(), e.getValue());
        }
        n.put("store_address", s.storeAddress());
        n.put("queue_bytes", s.queueBytes());
        n.put("oldest_unsent_age_seconds", s.oldestUnsentAgeSeconds());
        n.put("last_shipped_block", s.lastShippedBlock());
        n.put("last_shipped_time", rfc3339(s.lastShippedMs()));
        n.put("certificate_not_after", rfc3339(s.certificateNotAfterMs()));
        n.put("started", rfc3339(identity.startedMs()));
        return json.writeValueAsString(n);
    }

    private static String rfc3339(long ms) {
        return ms == 0 ? "" : Instant.ofEpochMilli(ms).toString();
    }

    private void sendLogged() {
        try {
            send();
            sent.increment();
            lastSuccessMs.set(clock.getAsLong());
            if (lastError != null) {
                System.out.println("cairn agent: heartbeats reach " + client.origin() + " again");
                lastError = null;
            }
        } catch (IOException | RuntimeException e) {
            failed.increment();
            String msg = e.getMessage();
            if (!String.valueOf(msg).equals(lastError)) {
                System.err.println("cairn agent: heartbeat failed, retrying every interval: " + msg);
            }
            lastError = String.valueOf(msg);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The heartbeat's counters in the Prometheus text format. */
    public void render(StringBuilder sb) {
        Metrics.counter(sb, "cairn_agent_heartbeats_sent_total", "Heartbeats the appliance accepted.", sent.sum());
        Metrics.counter(sb, "cairn_agent_heartbeats_failed_total",
                "Heartbeats that failed (appliance unreachable or refusing).", failed.sum());
        Metrics.gauge(sb, "cairn_agent_last_heartbeat_success_timestamp_seconds",
                "When the appliance last accepted a heartbeat, seconds since the epoch (0: never).",
                lastSuccessMs.get() / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
