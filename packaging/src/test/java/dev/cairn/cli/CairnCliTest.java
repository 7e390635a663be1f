package dev.cairn.cli;

import dev.cairn.tsdb.testing.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's contract: version, usage errors, and one clear sentence per failure. */
class CairnCliTest {
    @TempDir
    Path tmp;

    @Test
    void version_printsVersionAndJavaRuntime() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("cairn "), r.toString());
        assertTrue(r.out().contains("java " + Runtime.version()), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void tsdbWithoutSubcommand_isAUsageError() {
        CliRun r = CliRun.of("tsdb");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("a tsdb subcommand is required: list, dump, analyze or create-blocks-from"), r.toString());
    }

    @Test
    void unknownOption_isAUsageError() {
        CliRun r = CliRun.of("tsdb", "list", "--nope");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--nope"), r.toString());
    }

    @Test
    void missingDbDirectory_oneSentenceNamingIt_noStackTrace() {
        Path missing = tmp.resolve("no-such-db");
        for (String cmd : new String[] {"list", "dump", "analyze"}) {
            CliRun r = CliRun.of("tsdb", cmd, missing.toString());
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("cairn: no such file or directory: " + missing + " (the TSDB directory does not exist)\n", r.err(),
                    r.toString());
            assertEquals("", r.out());
        }
    }

    @Test
    void debug_addsTheStackTrace() {
        CliRun r = CliRun.of("--debug", "tsdb", "list", tmp.resolve("no-such-db").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("cairn: no such file or directory"), r.toString());
        assertTrue(r.hasStackTrace(), r.toString());
    }

    @Test
    void badSelector_saysWhatIsWrong() throws IOException {
        Files.createDirectories(tmp.resolve("db"));
        CliRun r = CliRun.of("tsdb", "dump", "--match=up{job=node}", tmp.resolve("db").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("cairn: bad series selector \"up{job=node}\" at column 8: expected a quoted string (\"...\", '...' or `...`),"
                + " found 'n'\n", r.err());
    }

    @Test
    void emptyDb_listPrintsTheHeaderOnly_dumpNothing() throws IOException {
        Path db = Files.createDirectories(tmp.resolve("db"));
        CliRun list = CliRun.of("tsdb", "list", db.toString());
        assertEquals(0, list.exitCode(), list.toString());
        assertEquals(Promtool.run("tsdb", "list", db.toString()), list.out());
        CliRun dump = CliRun.of("tsdb", "dump", db.toString());
        assertEquals(0, dump.exitCode(), dump.toString());
        assertEquals("", dump.out());
        CliRun analyze = CliRun.of("tsdb", "analyze", db.toString());
        assertEquals(1, analyze.exitCode(), analyze.toString());
        assertEquals("cairn: no block to analyze in " + db + "\n", analyze.err());
    }

    @Test
    void createBlocks_badInput_namesFileAndLine() throws IOException {
        Path in = tmp.resolve("bad.om");
        Files.writeString(in, "# TYPE a gauge\na{x=\"1\"} 1 1\na{x=\"1\" 2 2\n# EOF\n", StandardCharsets.UTF_8);
        CliRun r = CliRun.of("tsdb", "create-blocks-from", "openmetrics", in.toString(), tmp.resolve("out").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("cairn: " + in + ":3: expected ',' or '}' after a label value at column 8, found a space\n", r.err());
        assertFalse(r.hasStackTrace());
    }

    @Test
    void createBlocks_missingInputAndBadDuration_areOneSentence() {
        CliRun missing = CliRun.of("tsdb", "create-blocks-from", "openmetrics", tmp.resolve("nope.om").toString(),
                tmp.resolve("out").toString());
        assertEquals(1, missing.exitCode(), missing.toString());
        assertEquals("cairn: no such file or directory: " + tmp.resolve("nope.om")
                + " (the OpenMetrics input file does not exist)\n", missing.err());
        CliRun badDuration = CliRun.of("tsdb", "create-blocks-from", "--max-block-duration=6 hours", "openmetrics",
                tmp.resolve("nope.om").toString());
        assertEquals(1, badDuration.exitCode(), badDuration.toString());
        assertTrue(badDuration.err().startsWith("cairn: bad duration \"6 hours\""), badDuration.toString());
    }

    @Test
    void dump_warnsThatTheWalIsNotRead() throws IOException {
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.createDirectories(db.resolve("wal"));
        Files.write(db.resolve("wal").resolve("00000000"), new byte[] {1, 2, 3});
        CliRun r = CliRun.of("tsdb", "dump", db.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("cairn: warning: " + db.resolve("wal") + " is not read: samples still only in the write-ahead log"
                + " (not yet in a block) are not dumped\n", r.err());
    }

    @Test
    void createBlocks_failureAfterSomeBlocks_saysWhichRemain() throws IOException {
        // An out-of-order sample across appender batches in the second 2h window: promtool fails there too.
        StringBuilder sb = new StringBuilder("a 1 0\nb 1 7300\n");
        for (int i = 1; i <= 5000; i++) {
            sb.append("c 1 ").append(7300 + i).append('\n');
        }
        sb.append("b 2 7250.5\n# EOF\n");
        Path in = tmp.resolve("ooo.om");
        Files.writeString(in, sb.toString(), StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("tsdb", "create-blocks-from", "openmetrics", in.toString(), out.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("cairn: " + in + ":5003: out of order sample: {__name__=\"b\"} at 7250500 ms comes after 7300000 ms;"
                + " promtool rejects this too: sort each series' samples by time; the 1 block(s) written before this remain in "
                + out + "\n", r.err());
        assertEquals(2, r.out().lines().count(), r.toString());
    }
}
