package dev.cairn.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real /usr/bin/promtool (Debian's Prometheus 2.42) with a time bound; fails loudly when absent. */
final class Promtool {
    static final Path BINARY = Path.of("/usr/bin/promtool");

    private Promtool() {
    }

    static void requireInstalled() {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: install Debian's prometheus package "
                + "(apt-get install prometheus); these compatibility tests must not be skipped");
    }

    /** Runs promtool with {@code args}; returns stdout; fails on a non-zero exit or after 120 s. */
    static String run(Path workDir, String... args) throws IOException, InterruptedException {
        requireInstalled();
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "promtool", ".out");
        Path err = Files.createTempFile(workDir, "promtool", ".err");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 120 s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.delete(out);
        Files.delete(err);
        if (p.exitValue() != 0) {
            fail("promtool " + String.join(" ", args) + " exited " + p.exitValue() + ": " + stderr + stdout);
        }
        return stdout;
    }
}
