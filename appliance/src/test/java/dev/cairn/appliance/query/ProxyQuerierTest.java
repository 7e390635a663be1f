package dev.cairn.appliance.query;

import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.MatchType;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyQuerierTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final List<EndpointStatus> endpoints = new ArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private MemStore endpoint(String name, long minT, long maxT, Labels... labelSets) {
        MemStore store = new MemStore();
        Endpoint e = Endpoint.of(name, store, () -> {
            throw new AssertionError("not called here");
        });
        endpoints.add(new EndpointStatus(e, TlsSettings.PLAINTEXT, true, true,
                new EndpointInfo(minT, maxT, List.of(labelSets)), null, 1));
        return store;
    }

    private Querier proxy(long mint, long maxt, QueryOptions options, Warnings w) {
        return new ProxyQuerier(endpoints, mint, maxt, pool, options, w);
    }

    private static QueryOptions opts(boolean partial) {
        return QueryOptions.defaults().withPartialResponse(partial).withEndpointTimeout(2_000);
    }

    private static Labels series(String... kv) {
        return Labels.of(kv);
    }

    @Test
    void select_twoEndpoints_mergesSortedAndJoinsEqualSeries() {
        endpoint("e1", 0, 1000).add(series("__name__", "up", "job", "b"), new long[]{10, 20}, new double[]{1, 1})
                .add(series("__name__", "up", "job", "d"), new long[]{10}, new double[]{1});
        endpoint("e2", 0, 1000).add(series("__name__", "up", "job", "a"), new long[]{10}, new double[]{0})
                .add(series("__name__", "up", "job", "b"), new long[]{20, 30}, new double[]{1, 2});
        Warnings w = new Warnings();
        SeriesSet set = proxy(0, 1000, opts(true), w).select(List.of(Matcher.equal("__name__", "up")));
        List<Labels> got = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        while (set.next()) {
            got.add(set.at().labels());
            times.add(Samples.times(set.at().iterator(null)));
        }
        assertEquals(List.of(series("__name__", "up", "job", "a"), series("__name__", "up", "job", "b"),
                series("__name__", "up", "job", "d")), got);
        assertArrayEquals(new long[]{10, 20, 30}, times.get(1));
        assertTrue(w.isEmpty());
    }

    @Test
    void select_endpointsOutsideTimeRange_areNotAsked() {
        MemStore old = endpoint("old", 0, 999);
        MemStore recent = endpoint("recent", 1000, 5000);
        MemStore all = endpoint("all", Long.MIN_VALUE, Long.MAX_VALUE);
        Querier q = proxy(2000, 3000, opts(false), new Warnings());
        Samples.labels(q.select(List.of(Matcher.equal("__name__", "up"))));
        q.labelNames(List.of());
        assertEquals(0, old.opened.get());
        assertEquals(2, recent.opened.get());
        assertEquals(2, all.opened.get());
    }

    @Test
    void select_endpointsWhoseExternalLabelsCannotMatch_areNotAsked() {
        MemStore eu = endpoint("eu", 0, 1000, series("cluster", "eu", "replica", "a"));
        MemStore us = endpoint("us", 0, 1000, series("cluster", "us", "replica", "a"),
                series("cluster", "us2", "replica", "a"));
        MemStore none = endpoint("none", 0, 1000);
        Querier q = proxy(0, 1000, opts(false), new Warnings());
        q.select(List.of(Matcher.equal("cluster", "eu"), Matcher.equal("__name__", "up")));
        assertEquals(List.of(1, 0, 1), List.of(eu.opened.get(), us.opened.get(), none.opened.get()));
        q.select(List.of(Matcher.regex("cluster", "us2|ap")));
        assertEquals(List.of(1, 1, 2), List.of(eu.opened.get(), us.opened.get(), none.opened.get()));
        q.labelValues("job", List.of(Matcher.of(MatchType.NOT_EQUAL, "cluster", "us")));
        // "us" has a second label set {cluster="us2"} that != "us" accepts
        assertEquals(List.of(2, 2, 3), List.of(eu.opened.get(), us.opened.get(), none.opened.get()));
        // a matcher on a label no set has decides nothing
        q.select(List.of(Matcher.equal("job", "x")));
        assertEquals(List.of(3, 3, 4), List.of(eu.opened.get(), us.opened.get(), none.opened.get()));
    }

    @Test
    void select_failingEndpointWithPartialResponse_givesWarningAndTheRest() {
        endpoint("good:10901", 0, 1000).add(series("__name__", "up"), new long[]{1}, new double[]{1});
        endpoint("bad:10901", 0, 1000).failure = new IllegalStateException("connection refused");
        Warnings w = new Warnings();
        List<Labels> got = Samples.labels(proxy(0, 1000, opts(true), w).select(List.of(Matcher.equal("__name__", "up"))));
        assertEquals(List.of(series("__name__", "up")), got);
        assertEquals(1, w.list().size());
        assertTrue(w.list().get(0).contains("bad:10901") && w.list().get(0).contains("connection refused"),
                w.list().get(0));
    }

    @Test
    void select_slowFailingAndUnhealthyEndpoints_areTimedAndCountedPerEndpoint() {
        endpoint("good", 0, 1000).add(series("__name__", "up"), new long[]{1}, new double[]{1});
        endpoint("bad", 0, 1000).failure = new IllegalStateException("connection refused");
        endpoint("slow", 0, 1000).delayMs = 10_000;
        endpoints.add(new EndpointStatus(Endpoint.of("down", new MemStore(), EndpointInfo::unbounded),
                TlsSettings.PLAINTEXT, false, false, null, "info call failed", 1));
        QueryMetrics m = new QueryMetrics();
        Querier q = new ProxyQuerier(endpoints, 0, 1000, pool, opts(true).withEndpointTimeout(300), new Warnings(), m);
        Samples.labels(q.select(List.of(Matcher.equal("__name__", "up"))));
        q.labelNames(List.of());
        assertEquals(1, m.endpointCalls("good", QueryMetrics.SELECT));
        assertEquals(1, m.endpointCalls("good", QueryMetrics.LABEL_NAMES));
        assertEquals(1, m.endpointCalls("bad", QueryMetrics.SELECT));
        assertEquals(0, m.endpointCalls("down", QueryMetrics.SELECT));
        String text = render(m);
        assertTrue(text.contains("cairn_query_endpoint_failures_total{endpoint=\"bad\",reason=\"error\"} 2\n"), text);
        assertTrue(text.contains("cairn_query_endpoint_failures_total{endpoint=\"slow\",reason=\"timeout\"} 2\n"), text);
        assertTrue(text.contains("cairn_query_endpoint_failures_total{endpoint=\"down\",reason=\"unhealthy\"} 2\n"), text);
        assertTrue(text.contains("cairn_query_endpoint_duration_seconds_count{endpoint=\"good\",operation=\"select\"} 1\n"),
                text);
    }

    private static String render(dev.cairn.appliance.web.MetricsSource s) {
        dev.cairn.appliance.web.MetricsText t = new dev.cairn.appliance.web.MetricsText();
        s.writeMetrics(t);
        return t.toString();
    }

    @Test
    void select_failingEndpointWithoutPartialResponse_failsNamingIt() {
        endpoint("good:10901", 0, 1000).add(series("__name__", "up"), new long[]{1}, new double[]{1});
        endpoint("bad:10901", 0, 1000).failure = new IllegalStateException("connection refused");
        Warnings w = new Warnings();
        Querier q = proxy(0, 1000, opts(false), w);
        EndpointException e = assertThrows(EndpointException.class, () -> q.select(List.of(Matcher.equal("__name__", "up"))));
        assertEquals("bad:10901", e.endpoint());
        assertTrue(e.getMessage().contains("bad:10901") && e.getMessage().contains("partial response is disabled"),
                e.getMessage());
        assertThrows(EndpointException.class, () -> q.labelNames(List.of()));
        assertTrue(w.isEmpty());
    }

    @Test
    void select_slowEndpoint_hitsTheTimeoutAndIsCancelled() {
        endpoint("fast", 0, 1000).add(series("__name__", "up"), new long[]{1}, new double[]{1});
        MemStore slow = endpoint("slow", 0, 1000);
        slow.delayMs = 10_000;
        Warnings w = new Warnings();
        QueryOptions o = opts(true).withEndpointTimeout(300);
        long start = System.nanoTime();
        List<Labels> got = Samples.labels(proxy(0, 1000, o, w).select(List.of(Matcher.equal("__name__", "up"))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(List.of(series("__name__", "up")), got);
        assertTrue(tookMs >= 250 && tookMs < 3_000, "took " + tookMs + " ms");
        assertEquals(List.of("endpoint slow did not select series within 300 ms; its data is missing"), w.list());
        EndpointException e = assertThrows(EndpointException.class,
                () -> proxy(0, 1000, o.withPartialResponse(false), new Warnings()).labelNames(List.of()));
        assertEquals("slow", e.endpoint());
    }

    @Test
    void select_unhealthyEndpoint_isSkippedWithAWarning() {
        endpoint("good", 0, 1000).add(series("__name__", "up"), new long[]{1}, new double[]{1});
        MemStore down = new MemStore();
        endpoints.add(new EndpointStatus(Endpoint.of("down", down, EndpointInfo::unbounded), TlsSettings.PLAINTEXT,
                false, false, null, "info call failed: connection refused", 1));
        Warnings w = new Warnings();
        assertEquals(1, Samples.labels(proxy(0, 1000, opts(true), w).select(List.of(Matcher.equal("__name__", "up")))).size());
        assertEquals(0, down.opened.get());
        assertTrue(w.list().get(0).contains("down is unhealthy (info call failed: connection refused)"), w.list().toString());
    }

    @Test
    void labelNamesAndValues_areTheSortedUnion() {
        endpoint("e1", 0, 1000).add(series("__name__", "up", "job", "b"), new long[]{1}, new double[]{1});
        endpoint("e2", 0, 1000).add(series("__name__", "up", "job", "a", "zone", "z"), new long[]{1}, new double[]{1});
        Querier q = proxy(0, 1000, opts(false), new Warnings());
        assertEquals(List.of("__name__", "job", "zone"), q.labelNames(List.of()));
        assertEquals(List.of("a", "b"), q.labelValues("job", List.of(Matcher.equal("__name__", "up"))));
    }

    @Test
    void select_endpointsAreAskedInParallel() {
        for (String n : List.of("s1", "s2", "s3")) {
            endpoint(n, 0, 1000).add(series("__name__", "up", "e", n), new long[]{1}, new double[]{1}).delayMs = 500;
        }
        long start = System.nanoTime();
        List<Labels> got = Samples.labels(proxy(0, 1000, opts(false), new Warnings()).select(List.of(Matcher.equal("__name__", "up"))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(3, got.size());
        assertTrue(tookMs < 1_400, "three 500 ms endpoints took " + tookMs + " ms: not in parallel");
    }

    @Test
    void queryable_endpointFailingItsInfoCall_isSkippedWithAWarningAfterRefresh() {
        EndpointSet set = new EndpointSet(pool, 1_000, System::currentTimeMillis);
        MemStore good = new MemStore().add(series("__name__", "up", "replica", "a"), new long[]{1}, new double[]{1});
        MemStore down = new MemStore();
        set.addStatic(Endpoint.of("good", good, EndpointInfo::unbounded), TlsSettings.PLAINTEXT);
        set.register(Endpoint.of("sidecar-7", down, () -> {
            throw new IllegalStateException("connection refused");
        }));
        set.refresh();
        Warnings w = new Warnings();
        Querier q = new Queryable(set, pool).factory(QueryOptions.defaults(), w).querier(0, 1000);
        assertEquals(List.of(series("__name__", "up")), Samples.labels(q.select(List.of(Matcher.equal("__name__", "up")))));
        assertEquals(0, down.opened.get());
        assertEquals(1, w.list().size());
        assertTrue(w.list().get(0).startsWith("endpoint sidecar-7 is unhealthy (info call failed: "), w.list().get(0));
    }
}
