package dev.cairn.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.appliance.registry.AgentRegistry;
import dev.cairn.appliance.registry.Heartbeat;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's heartbeat as the real appliance (in process, plain HTTP on 127.0.0.1) reads it: every field arrives. */
class HeartbeatRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void everyFieldArrives_andTheSenderCountsWhatHappened() throws Exception {
        long started = Instant.parse("2027-01-15T07:00:00Z").toEpochMilli();
        long shipped = Instant.parse("2027-01-15T08:00:00Z").toEpochMilli();
        long notAfter = Instant.parse("2027-04-01T00:00:00Z").toEpochMilli();
        AgentStatus status = new AgentStatus(Map.of("dc", "fra1", "replica", "a"), "127.0.0.1:10901", 123_456,
                4.5, "01HZX3K5V9N2Q8R7T6Y4W1M0PA", shipped, notAfter);
        URI url;
        HeartbeatSender sender;
        try (ApplianceMain app = ApplianceMain.start(
                ConfigLoader.load(null, tmp.resolve("appliance"), "127.0.0.1:0", "127.0.0.1:0"))) {
            url = URI.create("http://127.0.0.1:" + app.httpPort() + "/api/v1/write");
            ApplianceClient client = new ApplianceClient(url, null, Duration.ofSeconds(10));
            sender = new HeartbeatSender(client, new HeartbeatSender.Identity("vm9", "vm9.example", "1.0",
                    "relay+sidecar", started), () -> status, System::currentTimeMillis).start(Duration.ofMillis(200));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (app.agents().agents().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                List<AgentRegistry.Agent> agents = app.agents().agents();
                assertEquals(1, agents.size(), "no heartbeat registered in 30 s");
                assertEquals(new Heartbeat("vm9", "vm9.example", "1.0", "relay+sidecar", Map.of("dc", "fra1", "replica", "a"),
                        "127.0.0.1:10901", 123_456, 4.5, "01HZX3K5V9N2Q8R7T6Y4W1M0PA", shipped, notAfter, started),
                        agents.get(0).heartbeat());
                StringBuilder metrics = new StringBuilder();
                sender.render(metrics);
                assertTrue(metrics.toString().contains("\ncairn_agent_heartbeats_failed_total 0\n"), metrics.toString());
            } finally {
                sender.close();
            }
        }
        // the appliance is gone: a heartbeat fails, saying where it went
        ApplianceClient client = new ApplianceClient(url, null, Duration.ofSeconds(5));
        HeartbeatSender late = new HeartbeatSender(client, new HeartbeatSender.Identity("vm9", "vm9.example", "1.0",
                "relay", started), () -> status, System::currentTimeMillis);
        IOException e = assertThrows(IOException.class, late::send);
        assertTrue(e.getMessage().contains(url.getAuthority()) && e.getMessage().contains("/api/v1/agents/heartbeat"),
                e.getMessage());
    }
}
