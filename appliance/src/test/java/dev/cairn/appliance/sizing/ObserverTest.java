package dev.cairn.appliance.sizing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Observer against a real Prometheus that scrapes itself every second (~15 s of data). */
class ObserverTest {
    @TempDir
    static Path dir;
    static SelfScrapingPrometheus prom;

    @BeforeAll
    static void start() throws Exception {
        prom = new SelfScrapingPrometheus(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prom != null) {
            prom.close();
        }
    }

    @Test
    void observe_fifteenScrapes_usesRateQueryAndMatchesPrometheus() throws Exception {
        // a 10 s window: the ~15 s of data cover it, as 5 min of data cover the operators' 5 m window
        Observation o = new Observer(new PrometheusApi(prom.url), Duration.ofSeconds(10), 4, Duration.ofSeconds(5))
                .observe(Double.NaN);
        double rate = prom.samplesPerSecondOver10s();
        double series = Double.parseDouble(prom.instant("prometheus_tsdb_head_series"));

        assertTrue(o.rateSource().startsWith("sum(rate(prometheus_tsdb_head_samples_appended_total[10s]))"),
                o.rateSource());
        assertTrue(rate > 100, "a self-scraping Prometheus appends hundreds of samples/s, got " + rate);
        assertEquals(rate, o.samplesPerSecond(), rate * 0.2);
        assertEquals(series, o.headSeries(), series * 0.2);
        // a fresh Prometheus has cut no block: nothing to measure bytes per sample on
        assertEquals(1.3, o.bytesPerSample());
        assertTrue(o.bytesSource().startsWith("default"), o.bytesSource());
    }

    @Test
    void observe_tooFewScrapesForRate_fallsBackToCounterDelta() throws Exception {
        // the operators' 5 m window, which a Prometheus started ~20 s ago does not cover; 8 s between the
        // two reads, so one scrape more or less is ~12% of the samples counted
        Observation o = new Observer(new PrometheusApi(prom.url), Duration.ofMinutes(5), 4, Duration.ofSeconds(8))
                .observe(2.5);
        double rate = prom.samplesPerSecondOver10s();

        assertTrue(o.rateSource().startsWith("counter delta"), o.rateSource());
        assertEquals(rate, o.samplesPerSecond(), rate * 0.2);
        assertEquals(2.5, o.bytesPerSample());
        assertTrue(o.bytesSource().contains("--bytes-per-sample"), o.bytesSource());
    }
}
