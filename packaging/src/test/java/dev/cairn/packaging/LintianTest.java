package dev.cairn.packaging;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three .deb files are lintian-clean at the pedantic level; each override carries its reason. */
class LintianTest {

    @Test
    void lintian_allDebs_cleanWithJustifiedOverrides() {
        ExternalTool.require("lintian", "lintian");
        List<Path> debs = ExternalTool.built(ExternalTool.target(), "cairn-*_all.deb", 3);
        // --show-overrides makes overridden tags count for --fail-on, so the exit code only guards errors;
        // any E:, W:, I: or P: line fails the test below.
        List<String> command = new ArrayList<>(List.of("lintian", "--pedantic", "--display-info", "--show-overrides",
                "--fail-on", "error"));
        debs.forEach(d -> command.add(d.toString()));
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), Duration.ofMinutes(3), java.util.Map.of(), command);
        assertEquals(0, r.exitCode(), r.toString());
        String previous = "";
        for (String line : r.output().lines().toList()) {
            // Lintian's own complaint about running as root (CI runs as root) is about the run, not the packages.
            if (line.contains("running with root privileges is not recommended")) {
                continue;
            }
            assertTrue(line.startsWith("N: ") || line.startsWith("O: ") || line.isBlank(), "lintian finding: " + line + "\n" + r);
            if (line.startsWith("O: ")) {
                // lintian prints an override's comment as N: lines just before it.
                assertTrue(previous.startsWith("N: "), "override without a comment saying why: " + line);
            }
            previous = line;
        }
    }
}
