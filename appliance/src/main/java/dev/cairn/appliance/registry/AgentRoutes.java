package dev.cairn.appliance.registry;

import dev.cairn.appliance.web.Routes;
import dev.cairn.appliance.web.WebRequest;
import dev.cairn.appliance.web.WebResponse;
import dev.cairn.tsdb.bucket.Bucket;

/**
 * The agents' HTTP API of PROTOCOL.md, mounted on a {@link Routes} that both the HTTP port and the
 * agents' port serve:
 * <ul>
 *   <li>{@code POST /api/v1/agents/heartbeat} → 204 into the {@link AgentRegistry}. With a client
 *       certificate (agents' port) its CN must equal {@code agent_id}; without one (the plain HTTP port,
 *       as remote write there) it is taken as it comes.</li>
 *   <li>{@code GET /api/v1/agents} → the registry with {@code last_heartbeat} and {@code healthy}.</li>
 *   <li>{@code PUT /api/v1/agents/blocks/<ULID>/<path>} → {@link BlockUploadRoute}.</li>
 * </ul>
 */
public final class AgentRoutes {
    public static final String HEARTBEAT = "/api/v1/agents/heartbeat";
    public static final String AGENTS = "/api/v1/agents";

    private AgentRoutes() {
    }

    /** Mounts the routes; {@code bucket} receives block uploads. */
    public static void mount(Routes routes, AgentRegistry registry, Bucket bucket) {
        routes.add("POST", HEARTBEAT, r -> heartbeat(registry, r));
        routes.add("GET", AGENTS, r -> WebResponse.json(200, "{\"status\":\"success\",\"data\":"
                + registry.listJson() + "}"));
        routes.addUpload("PUT", BlockUploadRoute.PREFIX, new BlockUploadRoute(bucket));
    }

    static WebResponse heartbeat(AgentRegistry registry, WebRequest r) {
        Heartbeat hb;
        try {
            hb = Heartbeat.parse(r.body());
        } catch (IllegalArgumentException e) {
            return WebResponse.error(400, "bad_data", "heartbeat refused: " + e.getMessage());
        }
        if (r.clientId() != null && !r.clientId().equals(hb.agentId())) {
            return WebResponse.error(403, "forbidden", "heartbeat for agent \"" + hb.agentId()
                    + "\" sent with the certificate of \"" + r.clientId() + "\"; an agent reports only as itself "
                    + "(set agent_id to the certificate's CN, or enroll this host)");
        }
        registry.heartbeat(reachable(hb, r));
        return WebResponse.noContent();
    }

    /**
     * An agent listening on every interface ({@code 0.0.0.0:10901}, {@code [::]:10901}) is reached at the
     * address its heartbeat came from.
     */
    static Heartbeat reachable(Heartbeat hb, WebRequest r) {
        String a = hb.storeAddress();
        int colon = a.lastIndexOf(':');
        if (colon < 0 || r.remote() == null || r.remote().getAddress() == null) {
            return hb;
        }
        String host = a.substring(0, colon);
        if (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::") || host.isEmpty()) {
            String peer = r.remote().getAddress().getHostAddress();
            if (peer.contains(":")) {
                peer = "[" + peer + "]";
            }
            return hb.withStoreAddress(peer + a.substring(colon));
        }
        return hb;
    }
}
