package dev.cairn.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Debian root booted with real systemd as PID 1: {@code systemd-nspawn --boot}, entered with {@code nsenter}.
 *
 * <p>How it is run, and why (the host has no systemd as PID 1 and no machined):
 * <ul>
 *   <li>{@code --register=no --keep-unit}: no machined registration and no new scope on the host's manager,
 *       which does not exist here. The container lives in this JVM's cgroup.</li>
 *   <li>{@code --volatile=overlay}: the cached root is the read-only lower layer of an overlay whose upper
 *       layer is a tmpfs, so every change made in the container disappears with it and the cache stays clean.</li>
 *   <li>{@code --private-network}: the container has its own network namespace with only a loopback, so its
 *       services (the appliance, the agent's relay, Debian's prometheus on :9090) can neither collide with ports
 *       of the host nor be reached from outside.</li>
 *   <li>{@code --console=read-only}: the boot log goes to a file for failure messages; nothing reads a console.</li>
 *   <li>Commands run through {@code nsenter --target <init> --all}: {@code systemd-run --machine},
 *       {@code systemctl -M} and {@code machinectl shell} go through machined on the host's system bus and fail
 *       here with "Failed to connect to bus: Host is down".
 *       nsenter joins the container's mount, PID, network, IPC and UTS namespaces, so {@code systemctl},
 *       {@code dpkg} and {@code curl} act on the container; it uses a clean environment.</li>
 * </ul>
 * {@link #close()} stops only what {@link #boot} started: SIGTERM to our systemd-nspawn (it halts the container
 * cleanly), and if that hangs, SIGKILL to the container's init, which ends every process of its PID namespace.
 */
final class NspawnContainer implements AutoCloseable {

    /** The environment of commands inside: nothing of the test JVM's (JAVA_HOME, MAVEN_*, LC_ALL) leaks in. */
    private static final List<String> ENV = List.of("/usr/bin/env", "-i",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "HOME=/root",
            "TERM=dumb", "DEBIAN_FRONTEND=noninteractive");

    private final String name;
    private final Process nspawn;
    private final long initPid;
    private final Path bootLog;
    private final Thread shutdownHook;

    private NspawnContainer(String name, Process nspawn, long initPid, Path bootLog) {
        this.name = name;
        this.nspawn = nspawn;
        this.initPid = initPid;
        this.bootLog = bootLog;
        // A JVM stopped by SIGTERM or Ctrl-C still halts the container; SIGKILL of the JVM cannot be helped.
        this.shutdownHook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Boots {@code root} and waits until systemd reports the boot finished.
     *
     * @param readOnlyBinds host directory to container path, mounted read-only
     */
    static NspawnContainer boot(Path root, Map<Path, String> readOnlyBinds, Path work, Duration timeout) throws IOException {
        ExternalTool.require("systemd-nspawn", "systemd-container");
        ExternalTool.require("nsenter", "util-linux");
        String name = "cairn-test-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 16));
        Path bootLog = work.resolve(name + ".console.log");
        List<String> cmd = new ArrayList<>(List.of("systemd-nspawn", "--register=no", "--keep-unit", "--boot",
                "--directory=" + root, "--volatile=overlay", "--private-network", "--machine=" + name,
                "--console=read-only"));
        readOnlyBinds.forEach((host, inside) -> cmd.add("--bind-ro=" + host.toAbsolutePath() + ":" + inside));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(bootLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        long init = -1;
        while (init < 0) {
            if (!p.isAlive()) {
                fail("systemd-nspawn exited with " + p.exitValue() + " before the container booted: "
                        + String.join(" ", cmd) + "\n" + DebianRoot.tail(read(bootLog), 40));
            }
            init = p.toHandle().children().filter(NspawnContainer::isPidNamespaceInit).mapToLong(ProcessHandle::pid)
                    .findFirst().orElse(-1);
            if (init < 0) {
                if (System.nanoTime() > deadline) {
                    p.destroy();
                    fail("no container init under systemd-nspawn after " + timeout + "\n" + DebianRoot.tail(read(bootLog), 40));
                }
                sleep(100);
            }
        }
        NspawnContainer c = new NspawnContainer(name, p, init, bootLog);
        // systemctl answers "offline" until the container's manager has its private socket: wait for that first.
        c.await(timeout, "systemd's socket in the container\n" + DebianRoot.tail(read(bootLog), 20), () ->
                c.exec(timeout, "test", "-S", "/run/systemd/private").exitCode() == 0 ? Optional.of(true) : Optional.empty());
        // "running", or "degraded" with a unit failed; either way the boot is over.
        ExternalTool.Result r = c.exec(timeout, "systemctl", "is-system-running", "--wait");
        String state = r.output().strip();
        if (!state.equals("running") && !state.equals("degraded")) {
            c.close();
            fail("the container did not finish booting: is-system-running says " + r + "\n" + DebianRoot.tail(read(bootLog), 40));
        }
        if (state.equals("degraded")) {
            System.out.println("[" + name + "] booted degraded: " + c.exec(timeout, "systemctl", "--failed", "--no-legend").output());
        }
        return c;
    }

    /** The process whose PID inside its own namespace is 1 (NSpid: host-pid 1): the container's systemd. */
    private static boolean isPidNamespaceInit(ProcessHandle h) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return f.length >= 2 && f[f.length - 1].equals("1");
                }
            }
        } catch (IOException e) {
            return false; // gone already
        }
        return false;
    }

    String name() {
        return name;
    }

    /** Runs a command inside the container; output is stdout and stderr interleaved. */
    ExternalTool.Result exec(Duration timeout, String... command) {
        return execWithInput(timeout, null, command);
    }

    /** As {@link #exec(Duration, String...)}, with {@code stdin} (may be null) as the command's input. */
    ExternalTool.Result execWithInput(Duration timeout, String stdin, String... command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(initPid), "--all", "--"));
        cmd.addAll(ENV);
        cmd.addAll(List.of(command));
        Path in = null;
        Path out = null;
        Process p = null;
        try {
            out = Files.createTempFile("cairn-nspawn-", ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            if (stdin != null) {
                in = Files.createTempFile("cairn-nspawn-", ".in");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(Path.of("/dev/null").toFile());
            }
            p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("in container " + name + ": " + String.join(" ", command) + " did not finish within " + timeout
                        + "; output so far:\n" + read(out));
            }
            return new ExternalTool.Result(p.exitValue(), read(out));
        } catch (IOException e) {
            throw new AssertionError("cannot run nsenter for " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        } finally {
            deleteQuietly(in);
            deleteQuietly(out);
        }
    }

    /** Runs a shell script inside and fails the test, with its output, unless it exits 0. */
    String sh(Duration timeout, String script) {
        ExternalTool.Result r = exec(timeout, "/bin/sh", "-ec", script);
        if (r.exitCode() != 0) {
            fail("in container " + name + ", this script failed with " + r + "\n--- script:\n" + script);
        }
        return r.output();
    }

    /** Writes a file inside (through the container's own view of its file system). */
    void write(String path, String content) {
        ExternalTool.Result r = execWithInput(Duration.ofSeconds(60), content, "/bin/sh", "-c", "cat > \"$1\"", "sh", path);
        if (r.exitCode() != 0) {
            fail("cannot write " + path + " in container " + name + ": " + r);
        }
    }

    /** The last lines of a unit's journal, for failure messages. */
    String journal(String unit) {
        return exec(Duration.ofSeconds(60), "journalctl", "--no-pager", "-n", "40", "-u", unit).output();
    }

    /** Polls {@code check} until it returns a value or {@code timeout} passes; then fails with {@code what}. */
    <T> T await(Duration timeout, String what, java.util.function.Supplier<Optional<T>> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = check.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() > deadline) {
                fail("in container " + name + ", waited " + timeout.toSeconds() + " s for: " + what);
            }
            sleep(500);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void stop() {
        if (!nspawn.isAlive()) {
            return;
        }
        // SIGTERM to systemd-nspawn makes it send the container's init the halt signal (SIGRTMIN+3).
        nspawn.destroy();
        try {
            if (!nspawn.waitFor(90, TimeUnit.SECONDS)) {
                System.err.println("[" + name + "] did not halt within 90 s; killing its init " + initPid
                        + " (and so its whole PID namespace)");
                ProcessHandle.of(initPid).ifPresent(ProcessHandle::destroyForcibly);
                nspawn.destroyForcibly();
                nspawn.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessHandle.of(initPid).ifPresent(ProcessHandle::destroyForcibly);
            nspawn.destroyForcibly();
        }
    }

    /** The container's console output so far (the boot log). */
    String console() {
        return read(bootLog);
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // lenient: consoles print escapes
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
