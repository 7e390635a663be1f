package dev.cairn.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Grafana dashboards are well-formed, use the data-source variable, and every query parses as PromQL. */
class DashboardsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> s = Files.list(ExternalTool.repoRoot().resolve("monitoring/dashboards"))) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertEquals(2, all.size(), "expected the appliance and the agents dashboards, found " + all);
            return all;
        }
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        dashboard.path("panels").forEach(out::add);
        return out;
    }

    @Test
    void dashboards_haveUidTitleAndUniquePanelIdsInsideTheGrid() throws IOException {
        Set<String> uids = new HashSet<>();
        for (Path p : dashboards()) {
            JsonNode d = JSON.readTree(p.toFile());
            assertTrue(d.path("uid").asText().startsWith("cairn-"), p + ": uid");
            assertTrue(uids.add(d.path("uid").asText()), p + ": duplicate uid");
            assertFalse(d.path("title").asText().isEmpty(), p + ": title");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels(d)) {
                assertTrue(ids.add(panel.path("id").asInt()), p + ": duplicate panel id " + panel.path("id"));
                JsonNode g = panel.path("gridPos");
                assertTrue(g.path("x").asInt() + g.path("w").asInt() <= 24, p + ": panel " + panel.path("title") + " overflows the grid");
                if (!panel.path("type").asText().equals("row")) {
                    assertFalse(panel.path("description").asText().isEmpty(), p + ": panel " + panel.path("title") + " needs a description");
                }
            }
        }
    }

    @Test
    void dashboards_queryThroughTheDatasourceVariable() throws IOException {
        for (Path p : dashboards()) {
            for (JsonNode panel : panels(JSON.readTree(p.toFile()))) {
                for (JsonNode t : panel.path("targets")) {
                    assertEquals("${datasource}", t.path("datasource").path("uid").asText(),
                            p + ": panel " + panel.path("title") + " must use the data-source variable, so it works on any Grafana");
                }
            }
        }
    }

    @Test
    void dashboards_everyQuery_parsesAsPromql() throws IOException {
        // promtool has no "parse this expression" command; recording rules get the same parser.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        int n = 0;
        for (Path p : dashboards()) {
            for (JsonNode panel : panels(JSON.readTree(p.toFile()))) {
                for (JsonNode t : panel.path("targets")) {
                    String expr = t.path("expr").asText()
                            .replace("$__rate_interval", "5m")
                            .replace("$instance", ".*");
                    assertFalse(expr.contains("$"), p + ": unknown Grafana variable in " + expr);
                    rules.append("      - record: dashboard:query:").append(n++).append('\n')
                            .append("        expr: ").append(JSON.writeValueAsString(expr)).append('\n');
                }
            }
        }
        assertTrue(n > 20, "expected the dashboards' queries, found " + n);
        Path file = tmp.resolve("queries.yml");
        Files.writeString(file, rules);
        ExternalTool.require("promtool", "prometheus");
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, "promtool", "check", "rules", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("SUCCESS: " + n + " rules found"), r.toString());
    }
}
