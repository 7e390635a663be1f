package dev.cairn.appliance.api;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.HintsRecorder;
import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.tsdb.storage.SelectHints;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thanos's {@code max_source_resolution} parameter reaches storage as the hints' resolution. */
class SourceResolutionTest {
    private final HintsRecorder recorder = new HintsRecorder(false);
    private final List<SelectHints> seen = recorder.seen;
    private final QuerierFactory recording = recorder.queriers();
    private final PrometheusApi api = new PrometheusApi(recording, new Engine(),
            new BuildInfo("1", Map.of(), 0, "6h"), () -> 10_000_000L);

    private ApiResponse rangeQuery(String step, String resolution) {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("query", List.of("rate(x[1h])"));
        p.put("start", List.of("0"));
        p.put("end", List.of("86400"));
        p.put("step", List.of(step));
        if (resolution != null) {
            p.put("max_source_resolution", List.of(resolution));
        }
        seen.clear();
        return api.handle("GET", "/api/v1/query_range", p);
    }

    private long resolution(String step, String param) {
        ApiResponse r = rangeQuery(step, param);
        assertEquals(200, r.status(), r.bodyText());
        return seen.get(0).effectiveMaxResolution();
    }

    @Test
    void absentOrAuto_isAFifthOfTheStep() {
        assertEquals(60_000, resolution("300", null));
        assertEquals(720_000, resolution("3600", "auto"));
        assertEquals(3_000, resolution("15", "auto"));
    }

    @Test
    void explicitValues_override() {
        assertEquals(0, resolution("3600", "raw"));
        assertEquals(0, resolution("3600", "0s"));
        assertEquals(300_000, resolution("60", "5m"));
        assertEquals(3_600_000, resolution("60", "1h"));
    }

    @Test
    void badValue_isBadData() {
        ApiResponse r = rangeQuery("60", "five minutes");
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("max_source_resolution"), r.bodyText());
        assertEquals(400, rangeQuery("60", "-300").status());
    }

    @Test
    void instantQuery_readsRawUnlessTold() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("query", List.of("max_over_time(x[1d])"));
        p.put("time", List.of("86400"));
        seen.clear();
        assertEquals(200, api.handle("GET", "/api/v1/query", p).status());
        assertEquals(0, seen.get(0).effectiveMaxResolution());
        p.put("max_source_resolution", List.of("1h"));
        seen.clear();
        assertEquals(200, api.handle("GET", "/api/v1/query", p).status());
        assertEquals(3_600_000, seen.get(0).effectiveMaxResolution());
        assertEquals("max_over_time", seen.get(0).func());
    }
}
