package dev.cairn.appliance.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.appliance.compact.CompactorStatus;
import dev.cairn.appliance.query.EndpointSet;
import dev.cairn.appliance.query.EndpointStatus;
import dev.cairn.appliance.store.BucketStore;
import dev.cairn.appliance.web.Routes;
import dev.cairn.appliance.web.WebRequest;
import dev.cairn.appliance.web.WebResponse;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.labels.Labels;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The appliance's status UI on its HTTP port: the page at {@code /} (query, endpoints, agents, blocks; see
 * {@code static/}) and the JSON it reads beside the Prometheus API:
 * <ul>
 *   <li>{@code GET /api/v1/blocks}: the bucket's blocks ({@link BlocksView}, Thanos bucket web's shape);</li>
 *   <li>{@code GET /api/v1/stores}: the query fan-out's endpoints, in the shape of Thanos Query's
 *       {@code /api/v1/stores} (endpoints grouped by kind; each with name, lastCheck, lastError, labelSets,
 *       minTime, maxTime) plus {@code healthy}, {@code static} and {@code tls};</li>
 *   <li>{@code GET /api/v1/compactor}: the compactor's state (running, halted with the reason, or disabled);</li>
 *   <li>{@code GET /api/v1/store}: the store gateway's state ({@link StoreView}): blocks per resolution,
 *       index headers loaded, cache, last sync and its error, damaged blocks with their reasons.</li>
 * </ul>
 * The agents page reads {@code /api/v1/agents}, served by the agents' registry. Thread-safe.
 */
public final class StatusUi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StaticFiles files = new StaticFiles();
    private final BlocksView blocks;
    private final EndpointSet endpoints;
    private final CompactorStatus compactor;
    private final BucketStore store;

    /**
     * @param compactor the compactor's status, or null when this appliance does not compact
     * @param clock     wall-clock milliseconds
     */
    public StatusUi(Bucket bucket, EndpointSet endpoints, CompactorStatus compactor, LongSupplier clock) {
        this(bucket, endpoints, compactor, null, clock);
    }

    /** @param store the store gateway, or null when there is none (its page then says so) */
    public StatusUi(Bucket bucket, EndpointSet endpoints, CompactorStatus compactor, BucketStore store,
                    LongSupplier clock) {
        this.blocks = new BlocksView(bucket, clock);
        this.endpoints = endpoints;
        this.compactor = compactor;
        this.store = store;
    }

    /**
     * Serves the UI on {@code routes} (tried before the Prometheus API): GET only; the API's own 404/405
     * answer other methods on these paths.
     */
    public void mount(Routes routes) {
        routes.add("GET", "/", r -> files.get("index.html"))
                .add("GET", "/index.html", r -> files.get("index.html"))
                .add("GET", "/api/v1/blocks", r -> success(blocks.data()))
                .add("GET", "/api/v1/stores", r -> success(stores()))
                .add("GET", "/api/v1/compactor", r -> success(compactor()))
                .add("GET", "/api/v1/store", r -> success(StoreView.json(store == null ? null : store.status(), JSON)))
                .addPrefix("GET", "/static/", this::staticFile);
    }

    private WebResponse staticFile(WebRequest r) {
        WebResponse file = files.get(r.path().substring("/static/".length()));
        return file != null ? file : WebResponse.error(404, "not_found", "no UI file " + r.path());
    }

    private ObjectNode stores() {
        ObjectNode byKind = JSON.createObjectNode();
        ArrayNode list = byKind.putArray("store");
        for (EndpointStatus s : endpoints.statuses()) {
            ObjectNode o = list.addObject();
            o.put("name", s.name());
            if (s.lastCheckMs() == 0) {
                o.putNull("lastCheck");
            } else {
                o.put("lastCheck", Instant.ofEpochMilli(s.lastCheckMs()).toString());
            }
            if (s.lastError() == null) {
                o.putNull("lastError");
            } else {
                o.put("lastError", s.lastError());
            }
            ArrayNode sets = o.putArray("labelSets");
            if (s.info() != null) {
                for (Labels l : s.info().labelSets()) {
                    ObjectNode set = sets.addObject();
                    l.forEach((name, value) -> set.put(name, value));
                }
                o.put("minTime", s.info().minTimeMs());
                o.put("maxTime", s.info().maxTimeMs());
            } else {
                o.putNull("minTime");
                o.putNull("maxTime");
            }
            o.put("healthy", s.healthy());
            o.put("static", s.isStatic());
            o.put("tls", s.tls() != null && s.tls().enabled());
        }
        return byKind;
    }

    private ObjectNode compactor() {
        ObjectNode o = JSON.createObjectNode();
        if (compactor == null) {
            o.put("state", "disabled");
            o.put("haltReason", "");
            o.putNull("lastSuccess");
            return o;
        }
        CompactorStatus.Snapshot s = compactor.snapshot();
        o.put("state", s.halted() ? "halted" : "running");
        o.put("haltReason", s.haltReason());
        if (s.lastSuccess() == null) {
            o.putNull("lastSuccess");
        } else {
            o.put("lastSuccess", s.lastSuccess().toString());
        }
        o.put("runs", s.runs());
        o.put("compactions", s.compactions());
        o.put("downsamples", s.downsamples());
        o.put("markedForDeletion", s.marked());
        o.put("deleted", s.deletions());
        o.put("failures", s.failures());
        o.put("corruptBlocks", s.corruptBlocks());
        o.put("lockBusy", s.lockLost());
        o.put("lockHolder", s.lockHolder());
        return o;
    }

    private static WebResponse success(ObjectNode data) {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", "success");
        root.set("data", data);
        try {
            return WebResponse.json(200, JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: JSON of a tree", e);
        }
    }
}
