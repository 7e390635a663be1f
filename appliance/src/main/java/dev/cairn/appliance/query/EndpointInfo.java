package dev.cairn.appliance.query;

import dev.cairn.tsdb.labels.Labels;

import java.util.List;

/**
 * What an endpoint says about itself (Thanos's Info call): the time range [minTimeMs, maxTimeMs] it
 * holds data for (inclusive; Long.MIN_VALUE/MAX_VALUE when unbounded) and the external label sets
 * every series it serves carries (empty list: no external labels, it may hold anything).
 */
public record EndpointInfo(long minTimeMs, long maxTimeMs, List<Labels> labelSets) {
    public EndpointInfo {
        labelSets = List.copyOf(labelSets);
    }

    /** An endpoint that may hold any series at any time. */
    public static EndpointInfo unbounded() {
        return new EndpointInfo(Long.MIN_VALUE, Long.MAX_VALUE, List.of());
    }

    /** Whether [mint, maxt] overlaps the endpoint's range. */
    public boolean overlaps(long mint, long maxt) {
        return minTimeMs <= maxt && maxTimeMs >= mint;
    }
}
