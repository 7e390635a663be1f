package dev.cairn.appliance.query;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.appliance.promql.Matrix;
import dev.cairn.appliance.promql.QuerierFactory;
import dev.cairn.appliance.promql.QueryResult;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.SeriesSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupQuerierTest {
    private static final long STEP = 15_000;
    private static final long END = 1_200_000;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Three counters as one Prometheus scrapes them: instance → (job, rate per second). */
    private static final String[][] TARGETS = {{"i1", "api", "1.5"}, {"i2", "api", "2.5"}, {"i3", "db", "0.5"}};

    private static MemStore replica(String replica, long phase, long gapFrom, long gapTo) {
        MemStore s = new MemStore();
        for (String[] t : TARGETS) {
            long[] ts = Arrays.stream(MemStore.grid(0, END, STEP, gapFrom, gapTo)).map(x -> x + phase)
                    .filter(x -> x <= END).toArray();
            Labels ls = replica == null ? Labels.of("__name__", "x", "instance", t[0], "job", t[1])
                    : Labels.of("__name__", "x", "instance", t[0], "job", t[1], "replica", replica);
            s.add(ls, ts, MemStore.counter(ts, 1000, Double.parseDouble(t[2])));
        }
        return s;
    }

    /**
     * The HA pair: a down 200..320 s, b (scraping 3 s later) down 615..700 s. The penalty drops the
     * other replica's samples for two scrape intervals after each switch (after a's 195 s up to b's
     * 228 s, after b's 603 s up to a's 645 s; DedupIteratorTest pins this). A rate window whose edge
     * falls in such a hole extrapolates less, in Thanos as here; the gaps are placed so that no
     * window edge of the queries below (multiples of 60 s) does.
     */
    private QuerierFactory dedupView(Warnings w) {
        EndpointSet set = new EndpointSet(pool, 1_000, System::currentTimeMillis);
        set.addStatic(Endpoint.of("prom-a", replica("a", 0, 200_000, 320_000),
                () -> new EndpointInfo(0, END, List.of(Labels.of("replica", "a")))), TlsSettings.PLAINTEXT);
        set.addStatic(Endpoint.of("prom-b", replica("b", 3_000, 615_000, 697_000),
                () -> new EndpointInfo(0, END, List.of(Labels.of("replica", "b")))), TlsSettings.PLAINTEXT);
        set.refresh();
        return new Queryable(set, pool).factory(QueryOptions.defaults(), w);
    }

    @Test
    void select_haPair_givesOneSeriesPerTargetWithoutReplicaLabelAndGaps() {
        Warnings w = new Warnings();
        SeriesSet set = dedupView(w).querier(0, END).select(List.of(Matcher.equal("__name__", "x")));
        int n = 0;
        while (set.next()) {
            assertEquals(Labels.of("__name__", "x", "instance", TARGETS[n][0], "job", TARGETS[n][1]), set.at().labels());
            long[] ts = Samples.times(set.at().iterator(null));
            assertTrue(Samples.strictlyIncreasing(ts));
            assertTrue(Samples.maxDelta(ts) <= 3 * STEP, "largest gap " + Samples.maxDelta(ts));
            assertTrue(ts.length >= 77 && ts.length <= 81, "samples " + ts.length);
            n++;
        }
        assertEquals(3, n);
        assertTrue(w.isEmpty(), w.list().toString());
    }

    @Test
    void engine_rateAndSumByOverHaPair_equalThoseOverOneCompleteReplica() {
        MemStore complete = replica(null, 0, -1, -1);
        Engine engine = new Engine();
        for (String q : List.of("rate(x[5m])", "sum by (job) (rate(x[5m]))", "sum(increase(x[4m]))")) {
            QueryResult want = engine.rangeQuery(complete, q, 300_000, END, 60_000);
            QueryResult got = engine.rangeQuery(dedupView(new Warnings()), q, 300_000, END, 60_000);
            Matrix wm = (Matrix) want.value();
            Matrix gm = (Matrix) got.value();
            assertEquals(wm.series().size(), gm.series().size(), q);
            assertTrue(wm.series().size() > 0, q);
            for (int i = 0; i < wm.series().size(); i++) {
                var ws = wm.series().get(i);
                var gs = gm.series().get(i);
                assertEquals(ws.labels(), gs.labels(), q);
                assertEquals(Arrays.toString(ws.ts()), Arrays.toString(gs.ts()), q);
                for (int j = 0; j < ws.size(); j++) {
                    assertEquals(ws.vs()[j], gs.vs()[j], Math.abs(ws.vs()[j]) * 1e-9, q + " " + ws.labels() + " at " + ws.ts()[j]);
                }
            }
        }
    }

    @Test
    void select_removingReplicaLabelChangesOrder_outputIsResortedAndGrouped() {
        MemStore s = new MemStore();
        long[] ts = {1000, 2000};
        double[] vs = {1, 2};
        // sorted with the replica label: a/zone=y before b/zone=x; without it zone=x comes first
        s.add(Labels.of("__name__", "m", "replica", "a", "zone", "y"), ts, vs);
        s.add(Labels.of("__name__", "m", "replica", "b", "zone", "x"), ts, vs);
        s.add(Labels.of("__name__", "m", "replica", "b", "zone", "y"), new long[]{3000}, new double[]{3});
        s.add(Labels.of("__name__", "m", "prometheus_replica", "p1", "zone", "w"), ts, vs);
        DedupQuerier q = new DedupQuerier(s.querier(0, 10_000), List.of("replica", "prometheus_replica"));
        SeriesSet set = q.select(List.of(Matcher.equal("__name__", "m")));
        assertEquals(List.of(Labels.of("__name__", "m", "zone", "w"), Labels.of("__name__", "m", "zone", "x"),
                Labels.of("__name__", "m", "zone", "y")), Samples.labels(set));
        assertEquals(List.of("__name__", "zone"), q.labelNames(List.of()));
    }
}
