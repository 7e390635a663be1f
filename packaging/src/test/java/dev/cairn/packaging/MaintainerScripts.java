package dev.cairn.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a package's maintainer script with every command it may call replaced by a stub that records its
 * arguments, so a test can see what the script would do on a real host without doing it here.
 */
final class MaintainerScripts {

    /** Commands the Debian and RPM scriptlets call; each stub exits 0 unless listed in the failing map. */
    private static final List<String> COMMANDS = List.of(
            "getent", "addgroup", "adduser", "groupadd", "useradd", "install", "dpkg-statoverride", "chgrp", "chmod",
            "deb-systemd-helper", "deb-systemd-invoke", "systemctl", "rm", "rmdir");

    private MaintainerScripts() {
    }

    /**
     * Runs {@code script} with {@code args} under /bin/sh, PATH holding only the stubs.
     *
     * @param exitCodes stub exit codes that are not 0, e.g. getent=2 for "no such user"
     * @return the calls, one line each: command and arguments
     */
    static List<String> run(Path script, Path work, Map<String, Integer> exitCodes, String... args) throws IOException {
        Path bin = Files.createDirectories(work.resolve("stub-bin"));
        Path log = work.resolve("calls.log");
        Files.deleteIfExists(log);
        for (String c : COMMANDS) {
            Path stub = bin.resolve(c);
            Files.writeString(stub, "#!/bin/sh\necho \"" + c + " $*\" >> \"$CALLS\"\nexit " + exitCodes.getOrDefault(c, 0) + "\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String[] command = new String[args.length + 2];
        command[0] = "/bin/sh";
        command[1] = script.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ExternalTool.Result r = ExternalTool.run(work, Duration.ofSeconds(30),
                Map.of("PATH", bin.toString(), "CALLS", log.toString()), List.of(command));
        if (r.exitCode() != 0) {
            throw new AssertionError(script.getFileName() + " " + String.join(" ", args) + " failed: " + r);
        }
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Whether systemd is the running service manager here; the scripts start services only then. */
    static boolean systemdRuns() {
        return Files.isDirectory(Path.of("/run/systemd/system"));
    }
}
