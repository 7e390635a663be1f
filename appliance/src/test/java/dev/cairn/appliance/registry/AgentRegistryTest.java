package dev.cairn.appliance.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.appliance.web.MetricsText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Health by the measured interval, dropping after 5 minutes, the listener's events, /metrics — on a fake clock. */
class AgentRegistryTest {
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final List<String> events = new ArrayList<>();
    private final AgentRegistry registry = new AgentRegistry(now::get, new AgentRegistry.Listener() {
        @Override
        public void storeAdded(String agentId, String address) {
            events.add("+" + agentId + "@" + address);
        }

        @Override
        public void storeRemoved(String agentId) {
            events.add("-" + agentId);
        }
    });

    private static Heartbeat hb(String id, String store) {
        String json = """
                {"agent_id":"%s","hostname":"%s.example","version":"1.2.3","mode":"%s","external_labels":{"dc":"fra1"},
                 "store_address":"%s","queue_bytes":4096,"oldest_unsent_age_seconds":2.5,"last_shipped_block":"",
                 "last_shipped_time":"2027-01-15T08:00:00Z","certificate_not_after":"2027-04-01T00:00:00Z",
                 "started":"2027-01-15T07:00:00Z"}
                """.formatted(id, id, store.isEmpty() ? "relay" : "relay+sidecar", store);
        return Heartbeat.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private boolean healthy(String id) {
        return registry.agents().stream().filter(a -> a.heartbeat().agentId().equals(id)).findFirst().orElseThrow()
                .healthy(now.get());
    }

    @Test
    void health_followsTheAgentsOwnInterval() {
        registry.heartbeat(hb("a", ""));
        now.addAndGet(45_000); // 3 default intervals of 15 s
        assertTrue(healthy("a"));
        now.addAndGet(1);
        assertFalse(healthy("a"), "silent longer than 3 x 15 s before its interval is known");

        registry.heartbeat(hb("a", ""));
        now.addAndGet(2_000);
        registry.heartbeat(hb("a", "")); // the agent sends every 2 s
        now.addAndGet(6_000);
        assertTrue(healthy("a"));
        now.addAndGet(1);
        assertFalse(healthy("a"), "3 missed 2 s intervals");

        registry.heartbeat(hb("a", ""));
        assertTrue(healthy("a"), "a heartbeat makes it healthy again");
    }

    @Test
    void sidecars_joinOnce_moveWithTheirAddress_andAreDroppedAfterFiveMinutesOfSilence() {
        registry.heartbeat(hb("s", "10.0.0.5:10901"));
        registry.heartbeat(hb("s", "10.0.0.5:10901"));
        registry.heartbeat(hb("r", ""));
        assertEquals(List.of("+s@10.0.0.5:10901"), events, "a relay-only agent has no StoreAPI; repeats change nothing");
        registry.heartbeat(hb("s", "10.0.0.6:10901"));
        assertEquals("+s@10.0.0.6:10901", events.get(1));

        now.addAndGet(4 * 60_000);
        registry.heartbeat(hb("r", ""));
        now.addAndGet(60_000);
        assertEquals(List.of(), registry.sweep(), "exactly 5 minutes is not more than 5 minutes");
        now.addAndGet(1);
        assertEquals(List.of("s"), registry.sweep());
        assertEquals("-s", events.get(2));
        assertEquals(List.of(), registry.sweep(), "taken out of the fan-out once");
        assertEquals(List.of("r", "s"), registry.agents().stream().map(a -> a.heartbeat().agentId()).toList(),
                "a silent agent stays listed (unhealthy) so that the missing-heartbeat alert can see it");
        assertFalse(healthy("s"));

        registry.heartbeat(hb("s", "10.0.0.6:10901"));
        assertEquals("+s@10.0.0.6:10901", events.get(3), "a dropped agent rejoins the fan-out with its next heartbeat");

        now.addAndGet(AgentRegistry.FORGET_AFTER_MS + 1);
        registry.sweep();
        assertEquals(List.of(), registry.agents(), "a day of silence forgets an agent");
        assertEquals("-s", events.get(4));
    }

    @Test
    void metrics_exportEveryAgentWithItsLabels() {
        registry.heartbeat(hb("a", "10.0.0.5:10901"));
        now.addAndGet(60_000);
        registry.heartbeat(hb("b", ""));
        MetricsText out = new MetricsText();
        registry.writeMetrics(out);
        String text = out.toString();
        for (String line : List.of("cairn_agents_registered 2",
                "cairn_agents_healthy 1",
                "cairn_agent_last_heartbeat_timestamp_seconds{agent_id=\"a\",hostname=\"a.example\"} 1800000000",
                "cairn_agent_last_heartbeat_timestamp_seconds{agent_id=\"b\",hostname=\"b.example\"} 1800000060",
                "cairn_agent_queue_bytes{agent_id=\"a\",hostname=\"a.example\"} 4096",
                "cairn_agent_oldest_unsent_age_seconds{agent_id=\"b\",hostname=\"b.example\"} 2.5",
                "cairn_agent_certificate_expiry_timestamp_seconds{agent_id=\"a\",hostname=\"a.example\"} 1806537600",
                "cairn_agent_last_shipped_timestamp_seconds{agent_id=\"a\",hostname=\"a.example\"} 1800000000")) {
            assertTrue(text.contains("\n" + line + "\n"), line + " missing from\n" + text);
        }
        assertTrue(text.contains("# TYPE cairn_agent_queue_bytes gauge\n"), text);
    }

    @Test
    void list_hasTheHeartbeatFieldsWithLastHeartbeatAndHealth() {
        registry.heartbeat(hb("a", "10.0.0.5:10901"));
        assertEquals("[{\"agent_id\":\"a\",\"hostname\":\"a.example\",\"version\":\"1.2.3\",\"mode\":\"relay+sidecar\","
                + "\"external_labels\":{\"dc\":\"fra1\"},\"store_address\":\"10.0.0.5:10901\",\"queue_bytes\":4096,"
                + "\"oldest_unsent_age_seconds\":2.5,\"last_shipped_block\":\"\",\"last_shipped_time\":\"2027-01-15T08:00:00Z\","
                + "\"certificate_not_after\":\"2027-04-01T00:00:00Z\",\"started\":\"2027-01-15T07:00:00Z\","
                + "\"last_heartbeat\":\"2027-01-15T08:00:00Z\",\"healthy\":true}]", registry.listJson());
    }

    @Test
    void parse_reportsEveryProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Heartbeat.parse("""
                {"mode":"proxy","store_address":"nohost","started":"yesterday","external_labels":[1]}
                """.getBytes(StandardCharsets.UTF_8)));
        for (String p : List.of("agent_id: required", "mode: expected one of", "store_address: expected HOST:PORT",
                "started: expected an RFC 3339 time", "external_labels: expected an object")) {
            assertTrue(e.getMessage().contains(p), p + " missing from " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Heartbeat.parse("not json".getBytes(StandardCharsets.UTF_8)));
        Heartbeat minimal = Heartbeat.parse("{\"agent_id\":\"x\",\"mode\":\"relay\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), minimal.externalLabels());
        assertEquals("", minimal.storeAddress());
    }
}
