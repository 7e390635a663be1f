package dev.cairn.tsdb.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromtoolTest {
    @Test
    void version_reportsPrometheus2() {
        String out = Promtool.run("--version");
        assertTrue(out.startsWith("promtool, version 2."), out);
    }

    @Test
    void dump_emptyDatabase_printsNothing(@TempDir Path db) {
        assertEquals("", Promtool.dump(db));
        assertTrue(Files.isDirectory(db.resolve("wal")));
    }

    @Test
    void run_failingCommand_throwsWithStderr() {
        AssertionError e = assertThrows(AssertionError.class, () -> Promtool.run("tsdb", "no-such-subcommand"));
        assertTrue(e.getMessage().contains("exited with"), e.getMessage());
        Promtool.Result r = Promtool.exec(Duration.ofSeconds(30), "tsdb", "no-such-subcommand");
        assertFalse(r.ok());
        assertFalse(r.stderr().isEmpty());
    }
}
