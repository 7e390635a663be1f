package dev.cairn.appliance.sizing;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * Reads ingestion rate, head series and bytes per sample from a running Prometheus.
 *
 * <p>Rate: {@code sum(rate(prometheus_tsdb_head_samples_appended_total[5m]))} when the counter's series
 * cover the whole 5-minute window with at least 4 scrapes; otherwise (a Prometheus started less than
 * ~5 min ago, or one that does not scrape itself) two reads of the live counter on its own
 * {@code /metrics}, 5 s apart.
 *
 * <p>Bytes per sample: chunk bytes over chunk samples that this Prometheus wrote when it cut blocks
 * ({@code prometheus_tsdb_compaction_chunk_size_bytes_sum / prometheus_tsdb_compaction_chunk_samples_sum}).
 * Prometheus exposes the bytes of its blocks ({@code prometheus_tsdb_storage_blocks_bytes}) but not the
 * samples in them, so the two compaction histograms, which count the same chunks, are the consistent pair.
 * A Prometheus younger than its first head compaction (about 3 h) has none: then {@link #DEFAULT_BYTES_PER_SAMPLE}.
 */
public final class Observer {
    /**
     * 1.3 B/sample: blocks written by Cairn and by promtool measured about 1.2 B/sample in this
     * repository's tests (XOR chunks of regular scrapes plus the index); 1.3 leaves ~8% for series with
     * noisier values than the test data.
     */
    public static final double DEFAULT_BYTES_PER_SAMPLE = 1.3;
    static final String APPENDED = "prometheus_tsdb_head_samples_appended_total";

    private final PrometheusApi api;
    private final long windowSeconds;
    private final int minRateSamples;
    private final Duration delta;

    public Observer(PrometheusApi api) {
        this(api, Duration.ofMinutes(5), 4, Duration.ofSeconds(5));
    }

    /**
     * @param window         the {@code rate()} range (5 m for operators; tests use seconds)
     * @param minRateSamples scrapes of the counter the window must hold to trust {@code rate()}
     * @param delta          time between the two reads of the fallback
     */
    Observer(PrometheusApi api, Duration window, int minRateSamples, Duration delta) {
        this.api = api;
        this.windowSeconds = window.toSeconds();
        this.minRateSamples = minRateSamples;
        this.delta = delta;
    }

    /** @param givenBytesPerSample the operator's figure, or NaN to measure (else default) */
    public Observation observe(double givenBytesPerSample) {
        double[] rate = new double[1];
        String rateSource = rate(rate);
        OptionalDouble series = api.querySum("prometheus_tsdb_head_series");
        if (series.isEmpty()) {
            series = api.scrapeSum("prometheus_tsdb_head_series");
        }
        if (series.isEmpty()) {
            throw new SizingException(api.base() + " exposes no prometheus_tsdb_head_series; is it a Prometheus server"
                    + " (an agent-mode Prometheus has no head to size)?");
        }
        double bps;
        String bytesSource;
        if (!Double.isNaN(givenBytesPerSample)) {
            bps = givenBytesPerSample;
            bytesSource = "given with --bytes-per-sample";
        } else {
            OptionalDouble bytes = api.querySum("prometheus_tsdb_compaction_chunk_size_bytes_sum");
            OptionalDouble samples = api.querySum("prometheus_tsdb_compaction_chunk_samples_sum");
            if (bytes.isPresent() && samples.isPresent() && samples.getAsDouble() > 0 && bytes.getAsDouble() > 0) {
                bps = bytes.getAsDouble() / samples.getAsDouble();
                bytesSource = String.format(java.util.Locale.ROOT, "measured: prometheus_tsdb_compaction_chunk_size_bytes_sum %.0f"
                        + " / prometheus_tsdb_compaction_chunk_samples_sum %.0f", bytes.getAsDouble(), samples.getAsDouble());
            } else {
                bps = DEFAULT_BYTES_PER_SAMPLE;
                bytesSource = "default: this Prometheus has written no block yet to measure"
                        + " (Cairn's and promtool's blocks measured ~1.2 B/sample in Cairn's tests)";
            }
        }
        return new Observation(rate[0], rateSource, series.getAsDouble(), bps, bytesSource);
    }

    private String rate(double[] out) {
        // rate() divides by the whole range: over a window the series only partly covers (a Prometheus
        // started 15 s ago, window 5 m) it reports a fraction of the true rate. So trust it only when the
        // oldest fifth of the window holds a sample of every series, and the window enough scrapes.
        String w = windowSeconds + "s";
        long fifth = Math.max(1, windowSeconds / 5);
        OptionalDouble scrapes = api.querySum("min(count_over_time(" + APPENDED + "[" + w + "]))");
        OptionalDouble old = api.querySum("min(count_over_time(" + APPENDED + "[" + fifth + "s] offset "
                + (windowSeconds - fifth) + "s))");
        if (scrapes.isPresent() && scrapes.getAsDouble() >= minRateSamples && old.isPresent()) {
            OptionalDouble r = api.querySum("sum(rate(" + APPENDED + "[" + w + "]))");
            if (r.isPresent()) {
                out[0] = r.getAsDouble();
                return "sum(rate(" + APPENDED + "[" + w + "])) over " + (long) scrapes.getAsDouble() + " scrapes";
            }
        }
        OptionalDouble first = api.scrapeSum(APPENDED);
        long t0 = System.nanoTime();
        if (first.isEmpty()) {
            throw new SizingException(api.base() + "/metrics has no " + APPENDED
                    + "; is it a Prometheus server (2.x) with its TSDB enabled?");
        }
        try {
            Thread.sleep(delta.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SizingException("interrupted while measuring the ingestion rate of " + api.base(), e);
        }
        OptionalDouble second = api.scrapeSum(APPENDED);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (second.isEmpty() || second.getAsDouble() < first.getAsDouble()) {
            throw new SizingException(APPENDED + " at " + api.base() + " went down between two reads (a restart?);"
                    + " run the command again");
        }
        out[0] = (second.getAsDouble() - first.getAsDouble()) / seconds;
        return String.format(java.util.Locale.ROOT, "counter delta of %s on /metrics: %.0f samples in %.1f s (the " + w + " window held"
                + " too little data for rate())", APPENDED, second.getAsDouble() - first.getAsDouble(), seconds);
    }
}
