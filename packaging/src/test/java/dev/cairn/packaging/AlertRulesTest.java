package dev.cairn.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** monitoring/rules/cairn.yml is valid for promtool, and its unit tests pass and cover every alert. */
class AlertRulesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ALERT = Pattern.compile("^\\s*- alert: (\\w+)\\s*$", Pattern.MULTILINE);
    private static final Pattern METRIC = Pattern.compile("\\bcairn_[a-z0-9_]+(?![a-z0-9_.])");

    @TempDir
    Path tmp;

    @BeforeAll
    static void promtool() {
        ExternalTool.require("promtool", "prometheus");
    }

    private static Path monitoring() {
        return ExternalTool.repoRoot().resolve("monitoring");
    }

    private static List<String> alertNames() throws IOException {
        List<String> names = new ArrayList<>();
        Matcher m = ALERT.matcher(Files.readString(monitoring().resolve("rules/cairn.yml")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void checkRules_shippedRules_passWithEveryAlertCounted() throws IOException {
        ExternalTool.Result r = ExternalTool.run(monitoring(), TIMEOUT, "promtool", "check", "rules", "rules/cairn.yml");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("SUCCESS: " + alertNames().size() + " rules found"), r.toString());
    }

    @Test
    void checkRules_unbalancedExpression_isRejected() throws IOException {
        Path bad = tmp.resolve("bad.yml");
        Files.writeString(bad, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(cairn_x[5m]\n");
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, "promtool", "check", "rules", bad.toString());
        assertNotEquals(0, r.exitCode(), "promtool must reject a broken expression: " + r);
    }

    @Test
    void testRules_unitTests_allPass() {
        ExternalTool.Result r = ExternalTool.run(monitoring(), TIMEOUT, "promtool", "test", "rules", "tests/cairn_test.yml");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("SUCCESS"), r.toString());
        assertFalse(r.output().contains("FAILED"), r.toString());
    }

    @Test
    void testRules_wrongExpectation_fails() throws IOException {
        // The unit tests compare annotations exactly: a changed expectation must make promtool fail.
        String tests = Files.readString(monitoring().resolve("tests/cairn_test.yml"))
                .replace("../rules/cairn.yml", monitoring().resolve("rules/cairn.yml").toString())
                .replace("has not reported for 15m 0s", "has not reported for 14m 0s");
        Path copy = tmp.resolve("cairn_test.yml");
        Files.writeString(copy, tests);
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, "promtool", "test", "rules", copy.toString());
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("CairnAgentHeartbeatMissing"), r.toString());
    }

    @Test
    void everyAlert_hasAUnitTestWhereItFires() throws IOException {
        String tests = Files.readString(monitoring().resolve("tests/cairn_test.yml"));
        Set<String> fired = new TreeSet<>();
        // Each "- eval_time:" block names one alert and either expects it ([]) or lists the alerts expected.
        for (String block : tests.split("- eval_time:")) {
            Matcher m = Pattern.compile("alertname: (\\w+)").matcher(block);
            if (m.find() && !block.contains("exp_alerts: []")) {
                fired.add(m.group(1));
            }
        }
        Set<String> untested = new TreeSet<>(alertNames());
        untested.removeAll(fired);
        assertEquals(Set.of(), untested, "alerts without a unit test in which they fire");
    }

    @Test
    void everyAlert_saysWhoToWakeAndWhat() throws IOException {
        String rules = Files.readString(monitoring().resolve("rules/cairn.yml"));
        String[] blocks = rules.split("\n\\s*- alert: ");
        assertEquals(alertNames().size() + 1, blocks.length);
        for (int i = 1; i < blocks.length; i++) {
            String name = blocks[i].lines().findFirst().orElseThrow();
            assertTrue(blocks[i].matches("(?s).*\\n\\s+severity: (page|ticket)\\n.*"), name + " needs severity page or ticket");
            assertTrue(blocks[i].contains("summary: "), name + " needs a summary");
            assertTrue(blocks[i].contains("description: "), name + " needs a description");
        }
    }

    @Test
    void metricNames_usedInRulesAndDashboards_areDocumented() throws IOException {
        Set<String> used = new LinkedHashSet<>();
        List<Path> sources = new ArrayList<>(List.of(monitoring().resolve("rules/cairn.yml")));
        try (Stream<Path> s = Files.list(monitoring().resolve("dashboards"))) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(sources::add);
        }
        for (Path p : sources) {
            Matcher m = METRIC.matcher(Files.readString(p));
            while (m.find()) {
                used.add(m.group());
            }
        }
        String readme = Files.readString(monitoring().resolve("README.md"));
        Set<String> undocumented = new TreeSet<>();
        for (String metric : used) {
            if (!readme.contains("`" + metric + "`")) {
                undocumented.add(metric);
            }
        }
        assertFalse(used.isEmpty());
        assertEquals(Set.of(), undocumented, "metrics used but not listed in monitoring/README.md");
    }
}
