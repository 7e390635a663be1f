package dev.cairn.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three .rpm files are rpmlint-clean with src/rpm/cairn.rpmlintrc, whose every filter says why; rpmlint
 * itself reports a filter that no longer matches anything (unused-rpmlintrc-filter), so none can go stale.
 */
class RpmlintTest {

    @Test
    void rpmlint_allRpms_noErrorsNoWarnings() {
        ExternalTool.require("rpmlint", "rpmlint");
        List<Path> rpms = RpmPackagesTest.rpms();
        Path src = ExternalTool.repoRoot().resolve("packaging/src/rpm");
        List<String> command = new ArrayList<>(List.of("rpmlint", "-c", src.resolve("rpmlint.toml").toString(),
                "-r", src.resolve("cairn.rpmlintrc").toString()));
        rpms.forEach(r -> command.add(r.toString()));
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), Duration.ofMinutes(2), Map.of(), command);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("3 packages and 0 specfiles checked; 0 errors, 0 warnings"), r.toString());
    }

    @Test
    void rpmlintrc_everyFilterSaysWhy() throws IOException {
        List<String> lines = Files.readAllLines(ExternalTool.repoRoot().resolve("packaging/src/rpm/cairn.rpmlintrc"));
        String previous = "";
        int filters = 0;
        for (String line : lines) {
            if (line.startsWith("addFilter(")) {
                filters++;
                assertTrue(previous.startsWith("#") || previous.startsWith("addFilter("),
                        "filter without a comment above it saying why: " + line);
            }
            if (!line.isBlank()) {
                previous = line;
            }
        }
        assertTrue(filters > 0);
    }
}
