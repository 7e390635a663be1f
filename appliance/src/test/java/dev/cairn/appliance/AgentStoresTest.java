package dev.cairn.appliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.appliance.query.EndpointSet;
import dev.cairn.appliance.query.EndpointStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sidecar agents in and out of the query layer's endpoint set, as the registry reports them. */
class AgentStoresTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final EndpointSet set = new EndpointSet(pool, 1_000, System::currentTimeMillis);
    private final AgentStores stores = new AgentStores(set, Duration.ofSeconds(1), new QueryLoopGuard());

    @AfterEach
    void stop() {
        stores.close();
        pool.shutdownNow();
    }

    private List<String> names() {
        return set.statuses().stream().map(EndpointStatus::name).toList();
    }

    @Test
    void anAgentsStore_isRegistered_movedAndRemoved_staticOnesStay() {
        stores.storeAdded("vm1", "127.0.0.1:1");
        stores.storeAdded("vm2", "[::1]:2");
        assertEquals(List.of("127.0.0.1:1", "::1:2"), names());
        assertEquals(false, set.statuses().get(0).isStatic());

        stores.storeAdded("vm1", "127.0.0.1:3"); // the agent restarted on another port
        assertEquals(List.of("127.0.0.1:3", "::1:2"), names());

        stores.storeRemoved("vm2");
        stores.storeRemoved("vm-unknown");
        assertEquals(List.of("127.0.0.1:3"), names());

        stores.close();
        assertEquals(List.of(), names());
    }
}
