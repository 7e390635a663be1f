package dev.cairn.appliance.api;

import dev.cairn.appliance.promql.Engine;
import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.DbOptions;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrometheusApiTest {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    java.nio.file.Path tmp;
    private Db db;
    private PrometheusApi api;

    @BeforeEach
    void open() throws IOException {
        db = Db.open(tmp, DbOptions.defaults().withCompactionInterval(Duration.ZERO));
        HeadAppender app = db.appender();
        for (int i = 0; i < 10; i++) {
            app.append(Labels.of("__name__", "up", "job", "a", "instance", "x:1"), T0 + i * 15_000L, 1);
            app.append(Labels.of("__name__", "up", "job", "b", "instance", "y:1"), T0 + i * 15_000L, 0);
            app.append(Labels.of("__name__", "req_total", "job", "a", "path", "<&>"), T0 + i * 15_000L, i * 1.5);
        }
        app.commit();
        api = new PrometheusApi(db::querier, new Engine(),
                new BuildInfo("1.2.3", Map.of("data_dir", "d"), T0, "6h"), () -> T0 + 200_000);
    }

    @AfterEach
    void close() throws IOException {
        db.close();
    }

    private static Map<String, List<String>> params(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return m;
    }

    private ApiResponse get(String path, String... kv) {
        return api.handle("GET", path, params(kv));
    }

    @Test
    void series_unionOfMatchSets_sortedAndEscaped() {
        ApiResponse r = get("/api/v1/series", "match[]", "up{job=\"b\"}", "match[]", "{path=~\".+\"}");
        assertEquals(200, r.status());
        assertEquals("{\"status\":\"success\",\"data\":["
                + "{\"__name__\":\"req_total\",\"job\":\"a\",\"path\":\"\\u003c\\u0026\\u003e\"},"
                + "{\"__name__\":\"up\",\"instance\":\"y:1\",\"job\":\"b\"}]}", r.bodyText());
    }

    @Test
    void series_outsideTheTimeRange_isEmptyList() {
        ApiResponse r = get("/api/v1/series", "match[]", "up", "start", "1000", "end", "2000");
        assertEquals("{\"status\":\"success\",\"data\":[]}", r.bodyText());
    }

    @Test
    void series_errors_areBadDataAs400() {
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"no match[] parameter provided\"}",
                get("/api/v1/series").bodyText());
        assertEquals(400, get("/api/v1/series").status());
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
                + "\"match[] must contain at least one non-empty matcher\"}",
                get("/api/v1/series", "match[]", "{job=~\".*\"}").bodyText());
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
                + "\"invalid parameter \\\"start\\\": cannot parse \\\"yesterday\\\" to a valid timestamp\"}",
                get("/api/v1/series", "match[]", "up", "start", "yesterday").bodyText());
    }

    @Test
    void labels_andLabelValues_sortedWithAndWithoutMatchers() {
        assertEquals("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\",\"path\"]}",
                get("/api/v1/labels").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":[\"__name__\",\"job\",\"path\"]}",
                get("/api/v1/labels", "match[]", "req_total").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":[\"req_total\",\"up\"]}",
                get("/api/v1/label/__name__/values").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":[\"x:1\"]}",
                get("/api/v1/label/instance/values", "match[]", "up{job=\"a\"}",
                        "start", "2023-11-14T22:13:20Z", "end", String.valueOf(T0 / 1000 + 3600)).bodyText());
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid label name: \\\"a-b\\\"\"}",
                get("/api/v1/label/a-b/values").bodyText());
    }

    @Test
    void query_instantVectorAndScalar_asPrometheusWritesThem() {
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"job\":\"a\"},\"value\":[1700000135.500,\"1\"]},"
                + "{\"metric\":{\"job\":\"b\"},\"value\":[1700000135.500,\"0\"]}]}}",
                get("/api/v1/query", "query", "sum by (job) (up)", "time", "1700000135.5").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000200,\"+Inf\"]}}",
                get("/api/v1/query", "query", "1/0").bodyText());
    }

    @Test
    void queryRange_matrixOfPoints() {
        ApiResponse r = get("/api/v1/query_range", "query", "req_total", "start", String.valueOf(T0 / 1000),
                "end", String.valueOf(T0 / 1000 + 30), "step", "15s");
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":"
                + "{\"__name__\":\"req_total\",\"job\":\"a\",\"path\":\"\\u003c\\u0026\\u003e\"},\"values\":"
                + "[[1700000000,\"0\"],[1700000015,\"1.5\"],[1700000030,\"3\"]]}]}}", r.bodyText());
    }

    @Test
    void query_errors_carryPrometheusTypesAndStatuses() {
        ApiResponse parse = get("/api/v1/query", "query", "sum(");
        assertEquals(400, parse.status());
        assertEquals(true, parse.bodyText().startsWith(
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error"),
                parse.bodyText());
        ApiResponse range = get("/api/v1/query_range", "query", "up", "start", "10", "end", "5", "step", "1");
        assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
                + "\"end timestamp must not be before start time\"}", range.bodyText());
        ApiResponse step = get("/api/v1/query_range", "query", "up", "start", "1", "end", "5");
        assertEquals(400, step.status());
    }

    @Test
    void formatQuery_statusAndEmptyEndpoints() {
        assertEquals("{\"status\":\"success\",\"data\":\"sum by (job) (rate(x[5m]))\"}",
                get("/api/v1/format_query", "query", "sum(rate(x[5m]))by(job)").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":{}}", get("/api/v1/metadata").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":[]}", get("/api/v1/query_exemplars", "query", "up").bodyText());
        assertEquals("{\"status\":\"success\",\"data\":{\"data_dir\":\"d\"}}", get("/api/v1/status/flags").bodyText());
        assertEquals(true, get("/api/v1/status/buildinfo").bodyText().contains("\"version\":\"1.2.3\""));
        assertEquals(true, get("/api/v1/status/runtimeinfo").bodyText().contains("\"storageRetention\":\"6h\""));
        assertEquals(404, get("/api/v1/nope").status());
    }
}
