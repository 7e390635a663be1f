package dev.cairn.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cairn sizing} against a real Prometheus, and its one-sentence errors. */
class SizingCommandTest {
    @TempDir
    Path dir;

    @Test
    void sizing_selfScrapingPrometheus_printsTheFormulaOverItsOwnMetrics() throws Exception {
        try (PrometheusProcess prom = PrometheusProcess.start(dir)) {
            prom.awaitScrapes(15, Duration.ofSeconds(60));
            CliRun run = CliRun.of("sizing", "--prometheus", prom.url(), "--retention", "60d",
                    "--downsampled-retention", "1y");
            // queried apart from the command, right after it: the counter's increase over 10 s of scrapes
            String c = "sum(prometheus_tsdb_head_samples_appended_total)";
            double rate = Double.parseDouble(instant(prom.url(), "(" + c + " - " + c.replace(")", " offset 10s)") + ") / 10"));
            double series = Double.parseDouble(instant(prom.url(), "prometheus_tsdb_head_series"));

            assertEquals(0, run.exitCode(), run.toString());
            // Prometheus started ~15 s ago: its 5 m window is not covered, so the counter delta is used, and said
            assertTrue(run.out().contains("counter delta of prometheus_tsdb_head_samples_appended_total"), run.out());
            assertTrue(run.out().contains("bytes per sample: 1.300  (default"), run.out());
            double raw = 60 * 86_400 * rate * 1.3 * 1.2 * 1.05;
            assertEquals(raw, printed(run.out(), "disk, raw blocks"), raw * 0.2, run.out());
            double downsampled = 365 * 86_400 * series * 5 * (1 / 300.0 + 1 / 3600.0) * 1.3 * 1.2 * 1.05;
            assertEquals(downsampled, printed(run.out(), "disk, downsampled blocks"), downsampled * 0.2, run.out());
            double wal = 3 * 3600 * rate * 12;
            assertEquals(wal, printed(run.out(), "disk, WAL"), wal * 0.2, run.out());
            assertEquals(series * 1536, printed(run.out(), "memory, head"), series * 1536 * 0.2, run.out());
        }
    }

    @Test
    void sizing_nothingListening_saysItCannotConnect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CliRun run = CliRun.of("sizing", "--prometheus", "http://127.0.0.1:" + port);
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("cairn: cannot connect to http://127.0.0.1:" + port), run.toString());
        assertOneSentence(run);
    }

    @Test
    void sizing_notPrometheus_saysSoInOneSentence() throws Exception {
        for (String body : new String[] {"<html>hello</html>", "{\"ok\": true}", ""}) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.createContext("/", ex -> {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, b.length == 0 ? -1 : b.length);
                ex.getResponseBody().write(b);
                ex.close();
            });
            server.start();
            try {
                String url = "http://127.0.0.1:" + server.getAddress().getPort();
                CliRun run = CliRun.of("sizing", "--prometheus", url);
                assertEquals(1, run.exitCode(), run.toString());
                assertTrue(run.err().startsWith("cairn: " + url + " does not look like Prometheus"), run.toString());
                assertOneSentence(run);
            } finally {
                server.stop(0);
            }
        }
    }

    @Test
    void sizing_badArguments_areUsageErrors() {
        CliRun noUrl = CliRun.of("sizing");
        assertEquals(2, noUrl.exitCode(), noUrl.toString());
        assertTrue(noUrl.err().contains("--prometheus"), noUrl.toString());

        CliRun badRetention = CliRun.of("sizing", "--prometheus", "http://127.0.0.1:1", "--retention", "60 days");
        assertEquals(2, badRetention.exitCode(), badRetention.toString());
        assertTrue(badRetention.err().contains("--retention: \"60 days\" is not a duration"), badRetention.toString());

        CliRun badUrl = CliRun.of("sizing", "--prometheus", "localhost:9090");
        assertEquals(1, badUrl.exitCode(), badUrl.toString());
        assertTrue(badUrl.err().startsWith("cairn: \"localhost:9090\" is not an http(s) URL"), badUrl.toString());
    }

    private static void assertOneSentence(CliRun run) {
        assertFalse(run.hasStackTrace(), run.toString());
        assertEquals(1, run.err().strip().lines().count(), run.toString());
        assertTrue(run.out().isEmpty(), run.toString());
    }

    /** The exact byte count of a report line: "<what>: 1.23 GiB (1320000000 B) = ...". */
    private static double printed(String out, String what) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(what) + ": [^(]+\\((\\d+) B\\) = ").matcher(out);
        assertTrue(m.find(), "no line \"" + what + "\" in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    private static String instant(String url, String promql) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)).toURL().openConnection();
        try {
            String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\"value\":\\[[0-9.e+-]+,\"([^\"]+)\"\\]").matcher(body);
            assertTrue(m.find(), promql + " returned no value: " + body);
            return m.group(1);
        } finally {
            c.disconnect();
        }
    }
}
