package dev.cairn.appliance.promql;

import dev.cairn.tsdb.storage.SelectHints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the engine tells storage with each select: the function around the selector (Prometheus's
 * extractFuncFromPath: innermost call or aggregation, nothing below a binary operator), the query's
 * step and the range of a range selector. A store of downsampled blocks picks its aggregate from these.
 */
class SelectHintsTest {
    private final HintsRecorder recorder = new HintsRecorder(true);
    private final List<SelectHints> seen = recorder.seen;
    private final QuerierFactory recording = recorder.queriers();

    private List<String> funcs(String q) {
        seen.clear();
        new Engine().rangeQuery(recording, q, 1_000_000, 2_000_000, 60_000);
        List<String> out = new ArrayList<>();
        for (SelectHints h : seen) {
            out.add(h.func());
        }
        return out;
    }

    @Test
    void func_isTheInnermostCallOrAggregation() {
        assertEquals(List.of("rate"), funcs("rate(x[5m])"));
        assertEquals(List.of("rate"), funcs("sum by (a) (rate(x[5m]))"));
        assertEquals(List.of("max_over_time"), funcs("max_over_time(x[1h])"));
        assertEquals(List.of("max"), funcs("max(x)"));
        assertEquals(List.of(""), funcs("x"));
        assertEquals(List.of("", "increase"), funcs("x / increase(y[1h])"));
        assertEquals(List.of("", ""), funcs("sum(x * y)"));
        assertEquals(List.of("min_over_time"), funcs("min_over_time((x)[30m:1m])"));
        assertEquals(List.of("rate"), funcs("histogram_quantile(0.9, rate(x[5m]))"));
    }

    @Test
    void stepAndRange_reachStorage() {
        seen.clear();
        new Engine().rangeQuery(recording, "rate(x[5m])", 1_000_000, 2_000_000, 60_000);
        assertEquals(60_000, seen.get(0).step());
        assertEquals(300_000, seen.get(0).range());
        assertEquals(SelectHints.AUTO, seen.get(0).maxResolutionMs());
        assertEquals(12_000, seen.get(0).effectiveMaxResolution());
        seen.clear();
        new Engine().instantQuery(recording, "x", 2_000_000);
        assertEquals(0, seen.get(0).step(), "an instant query has no step");
        assertEquals(0, seen.get(0).effectiveMaxResolution(), "so it reads raw data");
    }
}
