package dev.cairn.tsdb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code promtool} (Debian's Prometheus 2.42) for compatibility tests.
 *
 * <p>Tests that need it must fail, not skip, when it is absent: {@link #path()} throws an
 * {@link AssertionError} that says how to install it. The binary is {@code $CAIRN_PROMTOOL} when
 * set, else {@code /usr/bin/promtool}, else the first {@code promtool} on {@code $PATH}.
 *
 * <p>Output goes to temporary files rather than pipes, so a chatty run cannot dead-lock on a full
 * pipe buffer; a run that outlives its timeout is killed (this process only) and fails the test.
 */
public final class Promtool {
    /** Generous for the small blocks tests write; a hang still fails within it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Promtool() {
    }

    /** What one run gave back. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** The promtool binary; fails the calling test when there is none. */
    public static Path path() {
        String env = System.getenv("CAIRN_PROMTOOL");
        if (env != null && !env.isEmpty()) {
            Path p = Paths.get(env);
            if (!Files.isExecutable(p)) {
                throw new AssertionError("CAIRN_PROMTOOL=" + env + " is not an executable file");
            }
            return p;
        }
        Path usual = Paths.get("/usr/bin/promtool");
        if (Files.isExecutable(usual)) {
            return usual;
        }
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String dir : pathVar.split(":")) {
                if (!dir.isEmpty()) {
                    Path p = Paths.get(dir, "promtool");
                    if (Files.isExecutable(p)) {
                        return p;
                    }
                }
            }
        }
        throw new AssertionError("promtool not found (looked at $CAIRN_PROMTOOL, /usr/bin/promtool and $PATH);"
                + " install it with `apt-get install prometheus` or point CAIRN_PROMTOOL at a promtool 2.x binary");
    }

    /** Runs promtool with {@code args}; returns stdout, or fails with exit code and stderr. */
    public static String run(String... args) {
        return run(DEFAULT_TIMEOUT, args);
    }

    /** As {@link #run(String...)} with an explicit timeout. */
    public static String run(Duration timeout, String... args) {
        Result r = exec(timeout, args);
        if (!r.ok()) {
            throw new AssertionError("promtool " + String.join(" ", args) + " exited with " + r.exitCode()
                    + "\nstderr:\n" + r.stderr() + "\nstdout:\n" + abbreviate(r.stdout()));
        }
        return r.stdout();
    }

    /** Runs promtool and returns whatever happened, for tests that expect it to fail. */
    public static Result exec(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(path().toString());
        cmd.addAll(List.of(args));
        Path out = null;
        Path err = null;
        Process p = null;
        try {
            out = Files.createTempFile("promtool-", ".out");
            err = Files.createTempFile("promtool-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // Go formats nothing by locale, but keep its environment plain and predictable.
            pb.environment().put("LC_ALL", "C");
            p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("promtool " + String.join(" ", args) + " did not finish within " + timeout
                        + " and was killed; stderr so far:\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                p.destroyForcibly();
            }
            throw new AssertionError("interrupted while running " + cmd, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * {@code promtool tsdb dump DB}: every sample of every series, one line each, as
     * {@code {__name__="m", a="b"} VALUE TIMESTAMP_MS}. Creates the empty {@code wal/} directory that
     * promtool needs to open a directory of blocks.
     */
    public static String dump(Path db) {
        try {
            Files.createDirectories(db.resolve("wal"));
        } catch (IOException e) {
            throw new AssertionError("cannot create " + db.resolve("wal") + ": " + e.getMessage(), e);
        }
        return run("tsdb", "dump", db.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "\n... (" + s.length() + " chars)";
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
