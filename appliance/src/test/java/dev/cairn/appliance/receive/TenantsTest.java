package dev.cairn.appliance.receive;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.query.DamagedBlocks;
import dev.cairn.appliance.query.QueryMetrics;
import dev.cairn.appliance.web.MetricsText;
import dev.cairn.storeapi.remotewrite.DecodedSeries;
import dev.cairn.storeapi.remotewrite.WriteRejectedException;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.bucket.FilesystemBucket;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantsTest {
    /** The tests' blocks are whole; a damaged one would fail the test with its warning. */
    private static final DamagedBlocks NO_DAMAGE = new DamagedBlocks("local", w -> {
        throw new AssertionError("unexpected damaged block: " + w);
    }, new QueryMetrics());

    private static final long T0 = 1_700_000_000_000L;
    private static final ApplianceConfig.Tenancy ON = new ApplianceConfig.Tenancy(true, "THANOS-TENANT",
            "default-tenant", "tenant_id");
    private static final DbOptions NO_LOOP = DbOptions.defaults().withCompactionInterval(Duration.ZERO);

    @TempDir
    Path tmp;

    private Tenants open(DbOptions o) throws IOException {
        return Tenants.open(tmp.resolve("receive"), o, ON, Duration.ofHours(6).toMillis(),
                FilesystemBucket.open(tmp.resolve("bucket")), Map.of("cluster", "eu1", "receive_replica", "r0"));
    }

    /** A request header map as the handler passes it: case-insensitive, as HTTP headers are. */
    private static UnaryOperator<String> header(String tenant) {
        return name -> name.equalsIgnoreCase("THANOS-TENANT") ? tenant : null;
    }

    private static List<DecodedSeries> series(String job, long t, double v) {
        return new ArrayList<>(List.of(new DecodedSeries(Labels.of("__name__", "up", "job", job),
                new long[]{t}, new double[]{v})));
    }

    /** label set (as text) -> samples "t=v", of everything matching. */
    private static Map<String, List<String>> read(Querier q, Matcher... ms) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        SeriesSet set = q.select(List.of(ms));
        while (set.next()) {
            Series s = set.at();
            List<String> samples = new ArrayList<>();
            ChunkIterator it = s.iterator(null);
            while (it.next()) {
                samples.add((it.atT() - T0) + "=" + it.atV());
            }
            out.put(s.labels().toString(), samples);
        }
        return out;
    }

    @Test
    void headerPicksTheTenant_absentHeaderIsTheDefaultTenant_andEachTenantHasItsOwnDirectory() throws Exception {
        try (Tenants t = open(NO_LOOP)) {
            t.write(series("a", T0, 1), header("team-a"));
            t.write(series("b", T0, 2), header("team-b"));
            t.write(series("d", T0, 3), header(null));
            t.write(series("d2", T0, 4)); // the header-less entry point (a caller without headers)
            t.write(series("e", T0, 5), header("")); // an empty header is no header, as in Thanos
            assertEquals(List.of("default-tenant", "team-a", "team-b"), List.copyOf(t.tenants().keySet()));
            for (String name : List.of("default-tenant", "team-a", "team-b")) {
                assertTrue(Files.isDirectory(tmp.resolve("receive").resolve(name).resolve("wal")), name);
            }
            assertEquals(1, t.tenants().get("team-a").db().head().numSeries());
            assertEquals(3, t.tenants().get("default-tenant").db().head().numSeries());
            try (Querier q = t.querier(T0, T0, NO_DAMAGE)) {
                assertEquals(Map.of(
                        "{__name__=\"up\", cluster=\"eu1\", job=\"a\", receive_replica=\"r0\", tenant_id=\"team-a\"}",
                        List.of("0=1.0")), read(q, Matcher.equal("job", "a")));
            }
        }
    }

    @Test
    void invalidTenantNames_areRefusedWithTheReason_andCreateNothing() throws Exception {
        try (Tenants t = open(NO_LOOP)) {
            for (String bad : List.of("..", ".", "../etc", "a/b", "a\\b", ".hidden", "x\ny", "x".repeat(201))) {
                WriteRejectedException e = assertThrows(WriteRejectedException.class,
                        () -> t.write(series("a", T0, 1), header(bad)), bad);
                assertTrue(e.getMessage().startsWith("header THANOS-TENANT: "), e.getMessage());
            }
            assertTrue(t.tenants().isEmpty());
            try (Stream<Path> s = Files.list(tmp.resolve("receive"))) {
                assertEquals(List.of(), s.toList());
            }
            assertTrue(Files.notExists(tmp.resolve("etc")));
            // names Thanos accepts stay accepted: dots inside, unicode, spaces
            t.write(series("a", T0, 1), header("team.a b-ü"));
            assertEquals(List.of("team.a b-ü"), List.copyOf(t.tenants().keySet()));
        }
    }

    @Test
    void restart_reopensEveryTenantsHead_fromItsWal() throws Exception {
        try (Tenants t = open(NO_LOOP)) {
            t.write(series("a", T0, 1), header("team-a"));
            t.write(series("a", T0 + 1000, 2), header("team-a"));
            t.write(series("d", T0, 7), header(null));
        }
        try (Tenants t = open(NO_LOOP)) {
            assertEquals(List.of("default-tenant", "team-a"), List.copyOf(t.tenants().keySet()));
            try (Querier q = t.querier(T0, T0 + 1000, NO_DAMAGE)) {
                Map<String, List<String>> all = new TreeMap<>(read(q, Matcher.equal("__name__", "up")));
                assertEquals(Map.of(
                        "{__name__=\"up\", cluster=\"eu1\", job=\"a\", receive_replica=\"r0\", tenant_id=\"team-a\"}",
                        List.of("0=1.0", "1000=2.0"),
                        "{__name__=\"up\", cluster=\"eu1\", job=\"d\", receive_replica=\"r0\", tenant_id=\"default-tenant\"}",
                        List.of("0=7.0")), all);
            }
            // a reopened tenant takes writes again, in its own head
            t.write(series("a", T0 + 2000, 3), header("team-a"));
            assertEquals(1, t.tenants().get("team-a").db().head().numSeries());
        }
    }

    @Test
    void tenantMatcher_prunesTheOtherTenants_andTheSameSeriesInTwoTenantsStaysTwoSeries() throws Exception {
        try (Tenants t = open(NO_LOOP)) {
            t.write(series("same", T0, 1), header("team-a"));
            t.write(series("same", T0, 2), header("team-b"));
            try (Querier q = t.querier(T0, T0, NO_DAMAGE)) {
                assertEquals(2, read(q, Matcher.equal("job", "same")).size());
                Map<String, List<String>> a = read(q, Matcher.equal("tenant_id", "team-a"));
                assertEquals(List.of("{__name__=\"up\", cluster=\"eu1\", job=\"same\", receive_replica=\"r0\","
                        + " tenant_id=\"team-a\"}"), List.copyOf(a.keySet()));
                assertEquals(List.of("0=1.0"), a.values().iterator().next());
                assertEquals(Map.of(), read(q, Matcher.equal("tenant_id", "team-c")));
                assertEquals(List.of("team-a", "team-b"), q.labelValues("tenant_id", List.of()));
                assertEquals(List.of("team-b"), q.labelValues("tenant_id", List.of(Matcher.equal("__name__", "up"),
                        Matcher.regex("tenant_id", ".*-b"))));
            }
        }
    }

    @Test
    void cutBlocks_goUpWithTheTenantLabel_besideTheApplianceLabels() throws Exception {
        DbOptions small = NO_LOOP.withBlockRange(10_000);
        try (Tenants t = open(small)) {
            for (long ms = 0; ms < 40_000; ms += 1000) {
                t.write(series("a", T0 + ms, ms), header("team-a"));
                t.write(series("d", T0 + ms, ms), header(null));
            }
            for (Tenants.Tenant x : t.tenants().values()) {
                assertTrue(x.db().compact() >= 2, "blocks cut for " + x.name());
            }
            t.ship();
            Map<String, Integer> blocksByTenant = new TreeMap<>();
            try (Stream<Path> s = Files.list(tmp.resolve("bucket"))) {
                for (Path b : (Iterable<Path>) s::iterator) {
                    if (b.getFileName().toString().startsWith(".")) {
                        continue; // the filesystem bucket's scratch space
                    }
                    BlockMeta m = MetaJson.read(b);
                    String tenant = m.thanos().labels().get("tenant_id");
                    assertEquals(Map.of("cluster", "eu1", "receive_replica", "r0", "tenant_id", tenant),
                            m.thanos().labels());
                    assertEquals(ThanosMeta.SOURCE_RECEIVE, m.thanos().source());
                    blocksByTenant.merge(tenant, 1, Integer::sum);
                    // the block holds only its tenant's series
                    assertTrue(Files.exists(tmp.resolve("receive").resolve(tenant).resolve(b.getFileName())),
                            "block " + b.getFileName() + " was cut by tenant " + tenant);
                }
            }
            assertEquals(List.of("default-tenant", "team-a"), List.copyOf(blocksByTenant.keySet()));
            assertEquals(blocksByTenant.get("team-a"), t.tenants().get("team-a").db().blocks().size());
            String metrics = metricsOf(t);
            assertTrue(metrics.contains("cairn_receive_shipper_uploads_total{tenant=\"team-a\"} "
                    + blocksByTenant.get("team-a") + "\n"), metrics);
        }
        // shipped blocks past the local retention leave the tenant's directory at the next start, as without tenants
        try (Tenants t = Tenants.open(tmp.resolve("receive"), small, ON, 10_000,
                FilesystemBucket.open(tmp.resolve("bucket")), Map.of("cluster", "eu1", "receive_replica", "r0"))) {
            assertEquals(2, t.tenants().get("team-a").db().blocks().size());
        }
    }

    @Test
    void metrics_keepTheirNames_withATenantLabel() throws Exception {
        try (Tenants t = open(NO_LOOP)) {
            t.write(series("a", T0, 1), header("team-a"));
            t.write(series("a", T0 + 1, 1), header("team-a"));
            t.write(series("d", T0, 1), header(null));
            assertThrows(WriteRejectedException.class, () -> t.write(series("a", T0, 9), header("team-a")));
            String m = metricsOf(t);
            assertTrue(m.contains("cairn_receive_samples_ingested_total{tenant=\"team-a\"} 2\n"), m);
            assertTrue(m.contains("cairn_receive_samples_ingested_total{tenant=\"default-tenant\"} 1\n"), m);
            assertTrue(m.contains("cairn_tsdb_head_series{tenant=\"team-a\"} 1\n"), m);
            assertTrue(m.contains("cairn_receive_samples_rejected_total{reason=\"duplicate\",tenant=\"team-a\"} 1\n")
                    || m.contains("cairn_receive_samples_rejected_total{reason=\"out_of_order\",tenant=\"team-a\"} 1\n"), m);
            assertTrue(m.contains("cairn_receive_tenants 2\n"), m);
            assertEquals(1, count(m, "# TYPE cairn_receive_requests_total counter"), "one family, a sample per tenant");
        }
    }

    @Test
    void tenancyOn_refusesTheSingleHeadOfTenancyOff_andOffRefusesTenants() throws Exception {
        Path receive = tmp.resolve("receive");
        try (Db db = Db.open(receive, NO_LOOP)) {
            var app = db.appender();
            app.append(Labels.of("__name__", "up"), T0, 1);
            app.commit();
        }
        IOException on = assertThrows(IOException.class, () -> open(NO_LOOP));
        assertTrue(on.getMessage().contains("holds the single head written with tenancy off")
                && on.getMessage().contains(receive.resolve("default-tenant").toString()), on.getMessage());
        Files.walk(receive).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        try (Tenants t = open(NO_LOOP)) {
            // tenants named like the parts of a TSDB are tenants, not a WAL or head chunks
            t.write(series("a", T0, 1), header("wal"));
            t.write(series("a", T0, 1), header("chunks_head"));
        }
        try (Tenants t = open(NO_LOOP)) {
            assertEquals(List.of("chunks_head", "wal"), List.copyOf(t.tenants().keySet()));
        }
        IOException off = assertThrows(IOException.class, () -> Tenants.requireSingleLayout(receive));
        assertTrue(off.getMessage().contains("holds the heads of tenants [chunks_head, wal]"), off.getMessage());
    }

    private static String metricsOf(Tenants t) {
        MetricsText out = new MetricsText();
        t.writeMetrics(out);
        return out.toString();
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
