package dev.cairn.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.Agent;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting rules and dashboards are only as good as the names they select: monitoring/README.md lists
 * the metrics they use ({@link AlertRulesTest} checks that list covers them), and this test checks that the
 * real daemons, started in-process on their defaults, export every listed family with the listed type. A
 * rule over a name no daemon exports never fires, and promtool cannot tell.
 */
class MetricsContractTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(cairn_[a-z0-9_]+)` \\| ([a-z]+) \\|", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path tmp;

    @Test
    void appliance_exportsEveryMetricTheRulesUse() throws Exception {
        try (ApplianceMain app = ApplianceMain.start(ConfigLoader.load(null, tmp.resolve("appliance"), "127.0.0.1:0",
                "127.0.0.1:0"))) {
            String text = scrape("http://127.0.0.1:" + app.httpPort() + "/metrics");
            assertExports("Appliance (", text);
        }
    }

    @Test
    void agent_exportsEveryMetricTheRulesUse() throws Exception {
        AgentConfig d = AgentConfig.defaults();
        AgentConfig cfg = d.withDataDir(tmp.resolve("agent"))
                .withAppliance(new AgentConfig.ApplianceConfig(URI.create("http://127.0.0.1:9/api/v1/write"), false, null))
                .withRelay(d.relay().withListen("127.0.0.1", 0));
        // the whole agent in its default mode (relay and heartbeat; the appliance address answers nothing)
        Agent agent = Agent.start(cfg);
        try {
            String text = scrape("http://127.0.0.1:" + agent.relay().address().getPort() + "/metrics");
            assertExports("Agent (", text);
        } finally {
            agent.close();
        }
    }

    /** Every row of the README section whose heading starts with {@code ### <section>} is exported with its type. */
    private static void assertExports(String section, String exposition) throws IOException {
        Map<String, String> contract = contract(section);
        assertFalse(contract.isEmpty(), "monitoring/README.md has no metrics under ### " + section);
        Map<String, String> exported = new TreeMap<>();
        Matcher t = TYPE.matcher(exposition);
        while (t.find()) {
            exported.put(t.group(1), t.group(2));
        }
        Map<String, String> missing = new TreeMap<>();
        for (Map.Entry<String, String> e : contract.entrySet()) {
            String type = exported.get(e.getKey());
            if (!e.getValue().equals(type)) {
                missing.put(e.getKey(), e.getValue() + (type == null ? " (not exported)" : " (exported as " + type + ")"));
            }
        }
        assertEquals(Map.of(), missing, section + ": monitoring/README.md lists metrics the daemon does not export;"
                + " it exports " + exported.keySet());
    }

    private static Map<String, String> contract(String section) throws IOException {
        String readme = Files.readString(ExternalTool.repoRoot().resolve("monitoring/README.md"));
        int start = readme.indexOf("\n### " + section);
        assertTrue(start >= 0, "monitoring/README.md has no section ### " + section);
        int end = readme.indexOf("\n#", start + 5);
        Matcher m = ROW.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        Map<String, String> rows = new TreeMap<>();
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        return rows;
    }

    private static String scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }
}
