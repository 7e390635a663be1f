package dev.cairn.appliance;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.appliance.query.Endpoint;
import dev.cairn.appliance.query.EndpointInfo;
import dev.cairn.appliance.query.HintedStoreQuerier;
import dev.cairn.storeapi.pb.thanos.InfoResponse;
import dev.cairn.storeapi.pb.thanos.Label;
import dev.cairn.storeapi.pb.thanos.LabelSet;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.store.StoreApiClient;
import dev.cairn.storeapi.tls.TlsFiles;
import dev.cairn.tsdb.labels.Labels;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A static StoreAPI endpoint of the configuration ({@code query.endpoints[]}) as an {@link Endpoint} of the
 * query layer: a {@link StoreApiClient} with the endpoint's own TLS settings; {@code thanos.Store/Info}
 * gives its time range and external label sets.
 */
final class StoreApiEndpoint implements Endpoint, Closeable {
    private final String name;
    private final StoreApiClient client;
    private final long timeoutMs;

    private StoreApiEndpoint(String name, StoreApiClient client, long timeoutMs) {
        this.name = name;
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Connects lazily (the first call dials), so an endpoint that is down at start only shows as unhealthy.
     *
     * @throws IOException when the endpoint's TLS files cannot be read or are not valid PEM
     */
    static StoreApiEndpoint connect(ApplianceConfig.StoreEndpoint e, Duration timeout, QueryLoopGuard loops)
            throws IOException {
        TlsFiles tls = e.tls() == null ? null : new TlsFiles(e.tls().certFile(), e.tls().keyFile(), e.tls().caFile());
        try {
            return new StoreApiEndpoint(e.host() + ":" + e.port(), StoreApiClient.connect(e.host(), e.port(), tls, timeout,
                    loops), timeout.toMillis());
        } catch (PkiException ex) {
            throw new IOException("query endpoint " + e + ": TLS files: " + ex.getMessage()
                    + "; fix query.endpoints[].tls in the configuration", ex);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QuerierFactory queriers() {
        return queriers(w -> { });
    }

    /**
     * Selects with hints tell the store the function, step, range, aggregates and resolution, so that
     * downsampled data comes back as the aggregate the function needs ({@link HintedStoreQuerier}).
     */
    @Override
    public QuerierFactory queriers(Consumer<String> warnings) {
        return (mint, maxt) -> new HintedStoreQuerier(name, client.channel(), timeoutMs,
                client.querier(mint, maxt, warnings), mint, maxt, warnings);
    }

    @Override
    public EndpointInfo info() {
        InfoResponse r = client.info();
        List<Labels> sets = new ArrayList<>(r.getLabelSetsCount());
        for (LabelSet s : r.getLabelSetsList()) {
            Labels.Builder b = Labels.builder();
            for (Label l : s.getLabelsList()) {
                b.set(l.getName(), l.getValue());
            }
            sets.add(b.build());
        }
        return new EndpointInfo(r.getMinTime(), r.getMaxTime(), sets);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
