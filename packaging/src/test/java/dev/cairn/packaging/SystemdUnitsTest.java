package dev.cairn.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped units pass systemd's own checks: {@code systemd-analyze verify} prints nothing (it exits 0 even on
 * misspelt keys, so any output is a failure) and {@code systemd-analyze security} rates them 2.0 or better.
 */
class SystemdUnitsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");

    @TempDir
    static Path root;

    /**
     * A file-system root for {@code verify --root}: the host's own units (for the targets ours refer to), and a
     * stand-in for each program the packages put in /usr/bin, since verify insists that ExecStart= is executable.
     */
    @BeforeAll
    static void fakeRoot() throws IOException {
        ExternalTool.require("systemd-analyze", "systemd");
        Path hostUnits = Stream.of(Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"))
                .filter(Files::isDirectory).findFirst()
                .orElseThrow(() -> new AssertionError("no systemd unit directory on this host: install the package 'systemd'"));
        Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> files = Files.list(hostUnits)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, units.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path bin = Files.createDirectories(root.resolve("usr/bin"));
        for (String program : new String[] {"cairn-agent", "cairn-appliance"}) {
            Path p = bin.resolve(program);
            Files.writeString(p, "#!/bin/sh\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.createDirectories(root.resolve("etc/systemd/system"));
    }

    private static Path unit(String name) {
        return ExternalTool.repoRoot().resolve("systemd").resolve(name);
    }

    private static ExternalTool.Result verify(String name, String text) throws IOException {
        Files.writeString(root.resolve("etc/systemd/system").resolve(name), text);
        return ExternalTool.run(root, TIMEOUT, "systemd-analyze", "verify", "--root=" + root, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cairn-agent.service", "cairn-appliance.service"})
    void verify_shippedUnit_printsNothing(String name) throws IOException {
        ExternalTool.Result r = verify(name, Files.readString(unit(name)));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.output().strip(), "systemd-analyze verify " + name + " must print nothing");
    }

    @Test
    void verify_misspelledDirective_isReported() throws IOException {
        String broken = Files.readString(unit("cairn-agent.service")).replace("ProtectSystem=strict", "ProtectSytem=strict");
        ExternalTool.Result r = verify("cairn-agent.service", broken);
        assertTrue(r.output().contains("ProtectSytem"), "a misspelt key must show up in verify's output: " + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cairn-agent.service", "cairn-appliance.service"})
    void security_shippedUnit_exposureAtMostTwo(String name) {
        ExternalTool.Result r = ExternalTool.run(root, TIMEOUT, "systemd-analyze", "security", "--offline=yes",
                unit(name).toString());
        Matcher m = EXPOSURE.matcher(r.output());
        assertTrue(m.find(), "no exposure level in: " + r);
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= 2.0, name + " exposure " + exposure + " > 2.0:\n" + r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void unit_runsTheWrapperHardenedButJitFriendly(String role) throws IOException {
        String text = Files.readString(unit("cairn-" + role + ".service"));
        // The JIT needs writable+executable pages: with MemoryDenyWriteExecute the JVM does not start.
        assertFalse(text.lines().anyMatch(l -> l.startsWith("MemoryDenyWriteExecute")), "never MemoryDenyWriteExecute for a JVM");
        for (String line : new String[] {
            "ExecStart=/usr/bin/cairn-" + role, "User=cairn", "Restart=on-failure", "SuccessExitStatus=143",
            "ReadWritePaths=/var/lib/cairn/" + role, "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
            "ProtectHome=yes", "CapabilityBoundingSet=",
        }) {
            assertTrue(text.lines().anyMatch(line::equals), "cairn-" + role + ".service lacks the line " + line);
        }
        assertTrue(text.lines().anyMatch(l -> l.matches("LimitNOFILE=\\d+")), "cairn-" + role + ".service lacks LimitNOFILE");
        // The wrapper the unit runs starts the role with the packaged config, as ARCHITECTURE.md fixes it.
        String wrapper = Files.readString(ExternalTool.repoRoot().resolve("packaging/src/pkg/" + role + "/cairn-" + role));
        assertTrue(wrapper.contains("exec /usr/bin/cairn " + role + " --config /etc/cairn/" + role + ".yaml"), wrapper);
    }
}
