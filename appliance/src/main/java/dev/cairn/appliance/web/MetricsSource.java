package dev.cairn.appliance.web;

/**
 * A component that shows its state on {@code /metrics}. Called on each scrape, from an HTTP worker
 * thread, concurrently with the component's own work: read counters, do not block.
 */
@FunctionalInterface
public interface MetricsSource {
    void writeMetrics(MetricsText out);
}
