package dev.cairn.appliance.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our parser against the real Prometheus 2.42: for every query of {@code live-queries.txt} and for
 * deterministic mutations of them, the parse error message (position and wording) or the
 * {@code format_query} output must be the same. Expected values come from Prometheus at test time.
 */
class LivePrometheusComparisonTest {
    /** Functions Prometheus 2.42 does not know yet (2.53 has them); 2.42 calls them unknown. */
    private static final List<String> NEWER_FUNCTIONS = List.of("histogram_avg", "histogram_stddev", "histogram_stdvar");

    private static LivePrometheus prometheus;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prometheus = LivePrometheus.start();
    }

    @AfterAll
    static void stopPrometheus() throws IOException {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static List<String> curatedQueries() throws IOException {
        List<String> out = new ArrayList<>();
        out.add("");
        try (InputStream in = LivePrometheusComparisonTest.class.getResourceAsStream("/promql/live-queries.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("//")) {
                    continue;
                }
                out.add(line.replace("\u23ce", "\n"));
            }
        }
        return out;
    }

    @Test
    void curatedQueries_errorsAndFormatting_matchPrometheus() throws Exception {
        List<String> queries = curatedQueries();
        assertTrue(queries.size() > 500, "the query list should not have shrunk: " + queries.size());
        assertSameAsPrometheus(queries);
    }

    @Test
    void mutatedQueries_errorsAndFormatting_matchPrometheus() throws Exception {
        assertSameAsPrometheus(mutations(curatedQueries(), 2000, 20261125L));
    }

    @Test
    void generatedQueries_errorsAndFormatting_matchPrometheus() throws Exception {
        List<String> queries = new ArrayList<>(RandomQueries.generateValid(300, 7L));
        for (String q : RandomQueries.generate(1200, 42L)) {
            // 2.42 printed {__name__=""} without the matcher; 2.53 (and Cairn) keep it.
            if (!q.contains("__name__=\"\"")) {
                queries.add(q);
            }
        }
        int multiLine = assertSameAsPrometheus(queries);
        assertTrue(multiLine > 50, "queries long enough for the pretty printer to split: " + multiLine);
    }

    @Test
    void newerFunctions_areUnknownTo242_andKnownToUs() throws Exception {
        for (String f : NEWER_FUNCTIONS) {
            String q = f + "(foo)";
            LivePrometheus.Outcome theirs = prometheus.outcome(q);
            assertEquals("1:1: parse error: unknown function with name \"" + f + "\"", theirs.error());
            assertEquals(q, Printer.print(Parser.parse(q)));
        }
    }

    @Test
    void seriesSelectors_errorsMatchPrometheus() throws Exception {
        List<String> selectors = List.of("foo", "foo{a=\"b\"}", "{__name__=~\"a.*\", job!=\"\"}", "sum{a=\"b\"}",
                "by", "foo{__name__=\"bar\"}", "a:b{c=~\"d|e\",}", "", "foo + bar", "rate(x)", "sum(x)",
                "foo offset 5m", "foo[5m]", "foo @ 5", "foo{a=~\"(\"}", "foo{a=b}", "1", "\"foo\"", "{a", "foo}",
                "foo{a=\"b\"} # comment", "(foo)", "-foo", "foo bar");
        List<String> mismatches = new ArrayList<>();
        for (String sel : selectors) {
            String theirs = prometheus.seriesMatchError(sel);
            String ours;
            try {
                if (Parser.parseMetricSelector(sel).stream().allMatch(dev.cairn.tsdb.labels.Matcher::matchesEmpty)) {
                    ours = "match[] must contain at least one non-empty matcher"; // the API's own check
                } else {
                    ours = null;
                }
            } catch (ParseException e) {
                ours = e.getMessage();
            }
            if (!java.util.Objects.equals(theirs, ours)) {
                mismatches.add(quoted(sel) + "\n  prometheus: " + theirs + "\n  cairn:      " + ours);
            }
        }
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    /** Compares every query; returns how many were formatted on several lines. */
    private static int assertSameAsPrometheus(List<String> queries) throws Exception {
        List<String> mismatches = new ArrayList<>();
        int errors = 0;
        int multiLine = 0;
        for (String q : queries) {
            LivePrometheus.Outcome theirs = prometheus.outcome(q);
            LivePrometheus.Outcome ours = LivePrometheus.Outcome.of(q);
            if (theirs.error() != null) {
                errors++;
            } else if (theirs.formatted().contains("\n")) {
                multiLine++;
            }
            if (!theirs.equals(ours)) {
                mismatches.add("query " + quoted(q) + "\n  prometheus: " + theirs + "\n  cairn:      " + ours);
            }
        }
        assertTrue(errors > 0 && errors < queries.size(), "expected both valid and invalid queries: " + errors);
        assertTrue(mismatches.isEmpty(), mismatches.size() + " of " + queries.size()
                + " queries differ from Prometheus:\n" + String.join("\n", mismatches));
        return multiLine;
    }

    private static String quoted(String q) {
        return "'" + q.replace("\n", "\\n") + "'";
    }

    /** Deterministic token-level mutations: deletions, insertions of PromQL fragments and characters. */
    static List<String> mutations(List<String> seeds, int count, long seed) {
        String[] fragments = {"foo", "sum", "rate", "topk", "by", "without", "on", "ignoring", "group_left", "bool",
            "offset", "@", "start()", "end()", "(", ")", "{", "}", "[", "]", ",", ":", "=", "!=", "=~", "==", "+", "-",
            "*", "/", "^", "and", "or", "unless", "atan2", "<", ">=", "1", "0.5", "5m", "1h30m", "\"a\"", "'b'", "`c`",
            "a=\"b\"", "[5m]", "[5m:1m]", "#c\n", "\n", "Inf", "NaN", "0x1f", "quantile", "time()", "label_join",
            "a:b", "1e3", "-1", "ms", "y"};
        String chars = " ()[]{},:\"'`@#+-*/^=!<>~.0123456789abmsxyz_";
        Random rnd = new Random(seed);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < count * 3 && out.size() < count; i++) {
            String q = seeds.get(rnd.nextInt(seeds.size()));
            int edits = 1 + rnd.nextInt(2);
            for (int e = 0; e < edits; e++) {
                int at = rnd.nextInt(q.length() + 1);
                double m = rnd.nextDouble();
                if (m < 0.4 && q.length() > 1) {
                    int to = Math.min(q.length(), at + 1 + rnd.nextInt(4));
                    q = q.substring(0, at) + q.substring(to);
                } else if (m < 0.8) {
                    q = q.substring(0, at) + fragments[rnd.nextInt(fragments.length)] + q.substring(at);
                } else {
                    q = q.substring(0, at) + chars.charAt(rnd.nextInt(chars.length())) + q.substring(at);
                }
            }
            String query = q;
            if (NEWER_FUNCTIONS.stream().noneMatch(query::contains)) {
                out.add(query);
            }
        }
        return new ArrayList<>(out);
    }
}
