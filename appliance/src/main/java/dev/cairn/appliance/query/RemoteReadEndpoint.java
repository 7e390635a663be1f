package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.storeapi.remoteread.RemoteReadClient;
import dev.cairn.storeapi.remoteread.RemoteReadQuerier;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A Prometheus reached by remote read as an {@link Endpoint}. Remote read has no Info call: the
 * external labels come from configuration (they must be the Prometheus's own, which it adds to
 * every series it returns), the time range is unbounded, and health is a read of a series that
 * does not exist over the last millisecond — it answers 200 with nothing when the server is up.
 */
public final class RemoteReadEndpoint implements Endpoint {
    private final String name;
    private final RemoteReadClient client;
    private final Labels externalLabels;
    private final LongSupplier clock;

    /**
     * @param readUrl        e.g. {@code http://127.0.0.1:9090/api/v1/read}
     * @param externalLabels the Prometheus's external labels (may be empty)
     * @param clock          wall-clock ms, for the health probe's time range
     */
    public RemoteReadEndpoint(URI readUrl, Duration timeout, Labels externalLabels, LongSupplier clock) {
        this.name = readUrl.toString();
        this.client = new RemoteReadClient(readUrl, timeout);
        this.externalLabels = externalLabels;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QuerierFactory queriers() {
        return (mint, maxt) -> new RemoteReadQuerier(client, name, mint, maxt);
    }

    @Override
    public EndpointInfo info() {
        long now = clock.getAsLong();
        try (RemoteReadQuerier probe = new RemoteReadQuerier(client, name, now - 1, now)) {
            probe.select(List.of(Matcher.equal(Labels.METRIC_NAME, "cairn_health_probe_absent")));
        }
        return new EndpointInfo(Long.MIN_VALUE, Long.MAX_VALUE,
                externalLabels.isEmpty() ? List.of() : List.of(externalLabels));
    }

    @Override
    public String toString() {
        return name;
    }
}
