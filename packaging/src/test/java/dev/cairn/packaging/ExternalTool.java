package dev.cairn.packaging;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the external checkers (lintian, rpmlint, systemd-analyze, promtool, rake, puppet-lint, vagrant) for the
 * packaging tests. A missing checker fails the test with the Debian package to install: a check that cannot
 * run must never pass by being skipped.
 */
final class ExternalTool {

    /** What a checker printed (stdout and stderr interleaved, as a user sees it) and its exit code. */
    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    private ExternalTool() {
    }

    /** The repository root: surefire runs the packaging module's tests in packaging/. */
    static Path repoRoot() {
        Path module = Path.of("").toAbsolutePath();
        Path root = module.getParent();
        if (root == null || !Files.isDirectory(root.resolve("systemd")) || !Files.isDirectory(root.resolve("packaging"))) {
            fail("cannot find the repository root from " + module + ": run the tests with Maven from the checkout");
        }
        return root;
    }

    /** packaging/target, where `mvn package` leaves the .deb and .rpm files. */
    static Path target() {
        return repoRoot().resolve("packaging").resolve("target");
    }

    /** Fails loudly unless {@code command} is on the PATH. */
    static void require(String command, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        fail(command + " is not installed (PATH=" + path + "); it checks what Cairn ships. Install the Debian package '"
                + debianPackage + "' (scripts/install-deps.sh as root does it).");
    }

    static Result run(Path workDir, Duration timeout, String... command) {
        return run(workDir, timeout, Map.of(), List.of(command));
    }

    /** Runs {@code command} in {@code workDir} with extra environment variables; fails the test on a timeout. */
    static Result run(Path workDir, Duration timeout, Map<String, String> env, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = null;
        Process p = null;
        try {
            // Output goes to a file, not a pipe: a chatty checker can never block on a full pipe buffer.
            log = Files.createTempFile("cairn-tool-", ".log");
            pb.redirectOutput(log.toFile());
            p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout + " in " + workDir + "; output so far:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command) + " in " + workDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                p.destroyForcibly();
            }
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** The built package files matching a glob in {@code dir}; fails with the command to run when none exists. */
    static List<Path> built(Path dir, String glob, int expected) {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var s = Files.newDirectoryStream(dir, glob)) {
                s.forEach(found::add);
            } catch (IOException e) {
                throw new AssertionError("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        if (found.size() != expected) {
            fail("expected " + expected + " file(s) " + glob + " in " + dir + ", found " + found
                    + ". The packages are built in the package phase: run `mvn -B verify` (or package) in the checkout.");
        }
        found.sort(null);
        return found;
    }
}
