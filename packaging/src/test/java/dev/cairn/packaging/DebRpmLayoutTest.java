package dev.cairn.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .rpm of each package has the .deb's layout ({@code rpm -qpl} against {@code dpkg-deb -c}), up to the
 * places where the distributions differ on purpose, and installs into a scratch rpm root with every listed
 * path present.
 */
class DebRpmLayoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** Where Debian and RHEL put the same thing: deb prefix to rpm prefix. */
    private static final Map<String, String> DISTRIBUTION_PATHS = Map.of(
            "/lib/systemd/system/", "/usr/lib/systemd/system/", // Debian 12 still ships units under /lib
            "/etc/default/", "/etc/sysconfig/");                // the unit's EnvironmentFile= lists both

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        ExternalTool.require("rpm", "rpm");
        ExternalTool.require("dpkg-deb", "dpkg");
    }

    /** Regular files and symlinks of the .deb, with Debian's paths mapped to RHEL's. */
    private static Set<String> debFiles(String pkg) {
        Path deb = ExternalTool.built(ExternalTool.target(), pkg + "_*_all.deb", 1).get(0);
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), TIMEOUT, "dpkg-deb", "--contents", deb.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Set<String> out = new TreeSet<>();
        for (String line : r.output().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f[0].startsWith("d")) {
                continue;
            }
            String path = f[5].replaceFirst("^\\.", "");
            // Debian-only metadata: rpm keeps the changelog and the licence in its header.
            if (path.startsWith("/usr/share/lintian/") || path.endsWith("/changelog.Debian.gz")
                    || path.matches("/usr/share/doc/[^/]+/copyright")) {
                continue;
            }
            for (Map.Entry<String, String> e : DISTRIBUTION_PATHS.entrySet()) {
                if (path.startsWith(e.getKey())) {
                    path = e.getValue() + path.substring(e.getKey().length());
                }
            }
            out.add(path);
        }
        return out;
    }

    /** Every path of the .rpm with its mode string (rpm -qp --qf FILEMODES FILENAMES). */
    private static List<String[]> rpmEntries(Path rpm) {
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), TIMEOUT, "rpm", "-qp", "--qf",
                "[%{FILEMODES:perms} %{FILENAMES}\\n]", rpm.toString());
        assertEquals(0, r.exitCode(), r.toString());
        return r.output().lines().map(l -> l.strip().split(" ", 2)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cairn-common", "cairn-agent", "cairn-appliance"})
    void rpmQpl_listsTheDebsFiles(String pkg) {
        Path rpm = RpmPackagesTest.rpm(pkg);
        ExternalTool.Result qpl = ExternalTool.run(ExternalTool.target(), TIMEOUT, "rpm", "-qpl", rpm.toString());
        assertEquals(0, qpl.exitCode(), qpl.toString());
        Set<String> listed = new TreeSet<>(qpl.output().lines().map(String::strip).toList());
        Set<String> rpmFiles = rpmEntries(rpm).stream().filter(e -> !e[0].startsWith("d")).map(e -> e[1])
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(listed.containsAll(rpmFiles), "rpm -qpl " + listed + " vs header " + rpmFiles);
        assertEquals(debFiles(pkg), rpmFiles, pkg + ": files of the .deb (left, Debian paths mapped) and the .rpm (right)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cairn-agent", "cairn-appliance"})
    void stateDirectory_isPackagedByRpm_andMadeByTheDebsPostinst(String pkg) {
        String role = pkg.substring("cairn-".length());
        List<String[]> entries = rpmEntries(RpmPackagesTest.rpm(pkg));
        assertTrue(entries.stream().anyMatch(e -> e[0].equals("drwxr-x---") && e[1].equals("/var/lib/cairn/" + role)),
                "the rpm owns /var/lib/cairn/" + role + " 0750");
        // The deb ships no directory with a non-standard mode (lintian); its postinst makes it, as NspawnSystemTest shows.
        assertTrue(!debFiles(pkg).contains("/var/lib/cairn/" + role));
    }

    @Test
    void install_intoAScratchRpmRoot_everyListedPathIsThere() throws Exception {
        Path root = tmp.resolve("rpmroot");
        // A private rpm database inside the scratch root (rpm --root keeps its db under it): the host is untouched.
        assertEquals(0, ExternalTool.run(tmp, TIMEOUT, "rpm", "--root", root.toString(), "--initdb").exitCode());
        // --nodeps: Java and systemd are not in the scratch root; --noscripts: it has no shell to run them.
        List<String> cmd = new ArrayList<>(List.of("rpm", "--root", root.toString(), "-i", "--nodeps", "--noscripts"));
        RpmPackagesTest.rpms().forEach(p -> cmd.add(p.toString()));
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, Map.of(), cmd);
        assertEquals(0, r.exitCode(), r.toString());
        ExternalTool.Result qa = ExternalTool.run(tmp, TIMEOUT, "rpm", "--root", root.toString(), "-qa");
        assertEquals(Set.of("cairn-common", "cairn-agent", "cairn-appliance"),
                qa.output().lines().map(l -> l.replaceFirst("-[^-]+-[^-]+\\.noarch$", "")).collect(Collectors.toSet()), qa.toString());
        for (Path rpm : RpmPackagesTest.rpms()) {
            for (String[] e : rpmEntries(rpm)) {
                Path p = root.resolve(e[1].substring(1));
                if (e[0].startsWith("d")) {
                    assertTrue(Files.isDirectory(p), "missing directory " + e[1] + " of " + rpm.getFileName());
                } else {
                    assertTrue(Files.isRegularFile(p), "missing file " + e[1] + " of " + rpm.getFileName());
                    assertEquals(e[0].substring(1), java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
                            "mode of " + e[1]);
                }
            }
        }
        assertTrue(Files.size(root.resolve("usr/share/cairn/cairn.jar")) > 1_000_000, "cairn.jar looks truncated");
    }
}
