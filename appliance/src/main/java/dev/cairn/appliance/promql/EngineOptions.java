package dev.cairn.appliance.promql;

/**
 * Engine settings, with Prometheus's defaults in {@link #defaults()}.
 *
 * @param lookbackDeltaMs how far back an instant selector looks for the latest sample (5m)
 * @param maxSamples most samples a query may hold in memory at once (50,000,000)
 * @param timeoutMs longest evaluation before a query fails with a timeout (2m)
 * @param noStepSubqueryIntervalMs step of subqueries written without one, e.g. {@code x[5m:]}
 *        (Prometheus takes the global evaluation_interval, 1m by default)
 */
public record EngineOptions(long lookbackDeltaMs, long maxSamples, long timeoutMs, long noStepSubqueryIntervalMs) {
    public EngineOptions {
        if (lookbackDeltaMs <= 0) {
            throw new IllegalArgumentException("lookbackDeltaMs: " + lookbackDeltaMs + " (expected > 0)");
        }
        if (maxSamples <= 0) {
            throw new IllegalArgumentException("maxSamples: " + maxSamples + " (expected > 0)");
        }
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs: " + timeoutMs + " (expected > 0)");
        }
        if (noStepSubqueryIntervalMs <= 0) {
            throw new IllegalArgumentException("noStepSubqueryIntervalMs: " + noStepSubqueryIntervalMs
                    + " (expected > 0)");
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(5 * 60_000L, 50_000_000L, 2 * 60_000L, 60_000L);
    }

    public EngineOptions withLookbackDelta(long ms) {
        return new EngineOptions(ms, maxSamples, timeoutMs, noStepSubqueryIntervalMs);
    }

    public EngineOptions withMaxSamples(long n) {
        return new EngineOptions(lookbackDeltaMs, n, timeoutMs, noStepSubqueryIntervalMs);
    }

    public EngineOptions withTimeout(long ms) {
        return new EngineOptions(lookbackDeltaMs, maxSamples, ms, noStepSubqueryIntervalMs);
    }
}
