package dev.cairn.appliance.sidebyside;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same generated scrape history (counters with resets, gauges, classic histograms, 6 targets,
 * 3 h at 15 s, a target down for 20 minutes behind a stale marker, series ending with stale markers)
 * remote-written into Debian's Prometheus 2.42 and into the appliance; then every generated query of
 * {@link QueryBattery}, as instant queries at several times and as range queries over several
 * windows and steps, must get the same answer from both HTTP APIs ({@link AnswerDiff}). The counts
 * and every disagreement are printed; the test fails on any disagreement not listed in
 * {@link #EXPLAINED} with its reason.
 */
class SideBySideTest {
    /** Disagreements understood and accepted, by query, with why. Empty: none accepted. */
    static final Map<String, String> EXPLAINED = Map.of();

    @TempDir
    Path tmp;

    @Test
    void generatedQueries_getTheSameAnswersFromCairnAndPrometheus() throws Exception {
        long end = System.currentTimeMillis() / 15_000 * 15_000 - 60_000;
        long start = end - 3 * 3_600_000L;
        Dataset data = Dataset.generate(42, 2, 3, start, end - start, 15_000);
        try (Peers peers = Peers.start(tmp)) {
            long t0 = System.nanoTime();
            data.requests(600_000, 20_000, peers::push);
            System.out.printf("pushed %d series, %d samples to both in %d ms%n", data.series.size(),
                    data.sampleCount(), (System.nanoTime() - t0) / 1_000_000);

            // the data must really be there, in both, or agreeing proves nothing
            String countAll = "/api/v1/query?query=" + Peers.enc("count({__name__=~\".+\"})") + "&time=" + sec(end);
            for (String base : List.of(peers.prometheusUrl, peers.cairnUrl)) {
                String body = peers.get(base, countAll).body();
                assertTrue(body.contains("\"" + (data.series.size() - 2) + "\""),
                        base + " does not hold the series still live at the end: " + body);
            }

            List<String> calls = new ArrayList<>();
            long gap = start + data.series.get(0).ts().length / 2 * 15_000L + 300_000; // inside a target's gap
            List<String> battery = QueryBattery.all(sec(end - 5_400_000));
            for (String q : battery) {
                String e = Peers.enc(q);
                for (long t : new long[]{end, start + 120_000, gap, end - 3_599_999}) {
                    calls.add("/api/v1/query?query=" + e + "&time=" + sec(t));
                }
                calls.add("/api/v1/query_range?query=" + e + "&start=" + sec(start) + "&end=" + sec(end) + "&step=300");
                calls.add("/api/v1/query_range?query=" + e + "&start=" + sec(gap - 1_800_000) + "&end="
                        + sec(gap + 1_500_000) + "&step=37");
            }
            // the metadata endpoints over the same data: series (as a set), label names and values (sorted lists)
            String win = "&start=" + sec(start) + "&end=" + sec(end);
            List<String> meta = List.of(
                    "/api/v1/series?match[]=" + Peers.enc("{__name__=~\"http_.*\",job=\"job1\"}") + win,
                    "/api/v1/series?match[]=" + Peers.enc("process_resident_memory_bytes") + "&match[]="
                            + Peers.enc("node_temperature_celsius{instance=~\"host1.*\"}") + win,
                    "/api/v1/labels" + win.replaceFirst("&", "?"),
                    "/api/v1/labels?match[]=" + Peers.enc("http_request_duration_seconds_bucket") + win,
                    "/api/v1/label/__name__/values" + win.replaceFirst("&", "?"),
                    "/api/v1/label/le/values?match[]=" + Peers.enc("{job=\"job0\"}") + win,
                    "/api/v1/label/instance/values?match[]=" + Peers.enc("{__name__=~\"node_.*\"}") + win);
            for (String c : meta) {
                Peers.Answer want = peers.get(peers.prometheusUrl, c);
                Peers.Answer got = peers.get(peers.cairnUrl, c);
                assertTrue(want.status() == 200 && want.body().length() > 60, "prometheus: " + c + " " + want.body());
                assertEquals(AnswerDiff.metadata(want), AnswerDiff.metadata(got), c);
            }

            int agree = 0;
            int nonEmpty = 0;
            int errors = 0;
            List<String> unexplained = new ArrayList<>();
            List<String> explained = new ArrayList<>();
            long q0 = System.nanoTime();
            for (String c : calls) {
                Peers.Answer want = peers.get(peers.prometheusUrl, c);
                Peers.Answer got = peers.get(peers.cairnUrl, c);
                String d = AnswerDiff.diff(want, got);
                if (d == null) {
                    agree++;
                    if (want.status() != 200) {
                        errors++;
                    }
                    if (want.body().contains("\"result\":[{") || want.body().contains("\"result\":[1")) {
                        nonEmpty++;
                    }
                    continue;
                }
                String query = java.net.URLDecoder.decode(c.substring(c.indexOf("query=") + 6, c.indexOf('&')),
                        java.nio.charset.StandardCharsets.UTF_8);
                String line = c.substring(0, c.indexOf('?')) + " " + query + c.substring(c.indexOf('&')) + "\n    " + d;
                (EXPLAINED.containsKey(query) ? explained : unexplained).add(line);
            }
            System.out.printf("side by side: %d queries (%d expressions), %d agree (%d with non-empty results, %d "
                            + "the same error), %d differ (%d explained) in %d ms%n", calls.size(), battery.size(),
                    agree, nonEmpty, errors, calls.size() - agree, explained.size(), (System.nanoTime() - q0) / 1_000_000);
            explained.forEach(l -> System.out.println("EXPLAINED " + l));
            unexplained.forEach(l -> System.out.println("DIFFERS " + l));
            assertTrue(calls.size() >= 500, "too few queries: " + calls.size());
            assertTrue(errors >= 50, "too few error cases agreed on: " + errors);
            assertTrue(nonEmpty > calls.size() / 2, "most answers are empty (" + nonEmpty + "): the data is not there");
            assertTrue(unexplained.isEmpty(), unexplained.size() + " of " + calls.size()
                    + " queries get different answers from cairn and prometheus (all printed above), the first:\n"
                    + String.join("\n", unexplained.subList(0, Math.min(5, unexplained.size()))));
        }
    }

    static String sec(long ms) {
        return Math.floorDiv(ms, 1000) + "." + String.format("%03d", Math.floorMod(ms, 1000));
    }
}
