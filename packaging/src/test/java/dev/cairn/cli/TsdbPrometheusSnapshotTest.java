package dev.cairn.cli;

import dev.cairn.tsdb.testing.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocks written by a running Prometheus (an admin-API snapshot of its head) read by Cairn. */
class TsdbPrometheusSnapshotTest {
    @TempDir
    Path tmp;

    @Test
    void snapshotOfARunningPrometheus_cairnDumpEqualsPromtoolDump() throws Exception {
        Path snapshot;
        try (PrometheusProcess prom = PrometheusProcess.start(tmp)) {
            prom.awaitScrapes(10, Duration.ofSeconds(60));
            snapshot = prom.snapshot();
        }
        try (var s = Files.list(snapshot)) {
            assertTrue(s.findAny().isPresent(), "empty snapshot " + snapshot);
        }
        Files.createDirectories(snapshot.resolve("wal")); // promtool needs one to open the directory

        String expected = Promtool.run("tsdb", "dump", snapshot.toString());
        assertTrue(expected.lines().count() > 500, "few samples in the snapshot:\n" + expected);
        assertTrue(expected.contains("{__name__=\"up\", instance=\"127.0.0.1:"), expected.substring(0, 500));
        CliRun dump = CliRun.of("tsdb", "dump", snapshot.toString());
        assertEquals(0, dump.exitCode(), dump.toString());
        assertEquals(expected, dump.out());

        CliRun list = CliRun.of("tsdb", "list", snapshot.toString());
        assertEquals(Promtool.run("tsdb", "list", snapshot.toString()), list.out());

        String match = "{__name__=~\"prometheus_http_.*\",handler!=\"/metrics\"}";
        assertEquals(Promtool.run("tsdb", "dump", "--match=" + match, snapshot.toString()),
                CliRun.of("tsdb", "dump", "--match=" + match, snapshot.toString()).out());
    }
}
