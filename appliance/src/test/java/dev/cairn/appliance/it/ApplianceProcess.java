package dev.cairn.appliance.it;

import dev.cairn.appliance.ApplianceMain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The appliance as a child JVM on this module's test classpath, so it can be killed for real. */
final class ApplianceProcess implements AutoCloseable {
    final int port;
    final Path stderr;
    final Process process;

    /** Starts it and returns once it is ready (or immediately when {@code awaitReady} is false). */
    ApplianceProcess(Path logDir, String name, boolean awaitReady, String... args) throws IOException, InterruptedException {
        int p = -1;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--http-address")) {
                p = Integer.parseInt(args[i + 1].substring(args[i + 1].lastIndexOf(':') + 1));
            }
        }
        this.port = p;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), ApplianceMain.class.getName()));
        cmd.addAll(List.of(args));
        this.stderr = logDir.resolve(name + ".log");
        Files.createDirectories(logDir);
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        if (awaitReady) {
            Http.awaitOk(url() + "/-/ready", Duration.ofSeconds(60), process);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String output() throws IOException {
        return Files.readString(stderr);
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("the appliance (pid " + process.pid() + ") survived SIGKILL for 20 s");
        }
    }

    /** SIGTERM and wait; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the appliance did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
