package dev.cairn.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the .deb files contain and what their maintainer scripts do (with every command stubbed). */
class DebPackagesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @BeforeAll
    static void dpkgDeb() {
        ExternalTool.require("dpkg-deb", "dpkg");
    }

    private static Path deb(String name) {
        return ExternalTool.built(ExternalTool.target(), name + "_*_all.deb", 1).get(0);
    }

    private static String field(Path deb, String field) {
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), TIMEOUT, "dpkg-deb", "-f", deb.toString(), field);
        assertEquals(0, r.exitCode(), r.toString());
        return r.output().strip();
    }

    /** Non-directory paths and their "mode owner" from dpkg-deb -c. */
    private static Map<String, String> files(Path deb) {
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), TIMEOUT, "dpkg-deb", "-c", deb.toString());
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, String> out = new HashMap<>();
        for (String line : r.output().lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].startsWith("d")) {
                out.put(f[f.length - 1].replaceFirst("^\\.", ""), f[0] + " " + f[1]);
            }
        }
        return out;
    }

    @Test
    void control_dependsOnJava17AndTheExactCommonPackage() {
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless", field(deb("cairn-common"), "Depends"));
        String version = field(deb("cairn-common"), "Version");
        for (String role : new String[] {"cairn-agent", "cairn-appliance"}) {
            assertEquals(version, field(deb(role), "Version"));
            assertEquals("cairn-common (= " + version + "), adduser", field(deb(role), "Depends"));
        }
    }

    @Test
    void contents_theJarLivesOnlyInCommon_soBothRolesInstallSideBySide() {
        Map<String, String> common = files(deb("cairn-common"));
        Map<String, String> agent = files(deb("cairn-agent"));
        Map<String, String> appliance = files(deb("cairn-appliance"));
        assertTrue(common.containsKey("/usr/share/cairn/cairn.jar"), common.keySet().toString());
        assertEquals("-rwxr-xr-x root/root", common.get("/usr/bin/cairn"));
        // the JIT hints the launcher passes (-XX:CompileCommandFile): next to the jar whose methods they name
        assertEquals("-rw-r--r-- root/root", common.get("/usr/share/cairn/hotspot_compiler"));
        assertTrue(common.containsKey("/usr/share/cairn/monitoring/rules/cairn.yml"), common.keySet().toString());
        assertTrue(common.containsKey("/usr/share/cairn/monitoring/dashboards/cairn-appliance.json"), common.keySet().toString());
        assertTrue(common.containsKey("/usr/share/cairn/monitoring/dashboards/cairn-agents.json"), common.keySet().toString());
        assertEquals("-rwxr-xr-x root/root", agent.get("/usr/bin/cairn-agent"));
        assertEquals("-rwxr-xr-x root/root", appliance.get("/usr/bin/cairn-appliance"));
        assertTrue(agent.containsKey("/lib/systemd/system/cairn-agent.service"));
        assertTrue(appliance.containsKey("/lib/systemd/system/cairn-appliance.service"));
        // dpkg refuses to install two packages that ship the same file.
        for (Map<String, String> a : List.of(common, agent)) {
            for (Map<String, String> b : List.of(agent, appliance)) {
                if (a != b) {
                    Set<String> shared = new TreeSet<>(a.keySet());
                    shared.retainAll(b.keySet());
                    assertEquals(Set.of(), shared, "files shipped by two packages");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void contents_unitConfigAndConffilesAreTheSourceFiles(String role) throws IOException {
        Path x = tmp.resolve("x");
        Path ctl = tmp.resolve("ctl");
        assertEquals(0, ExternalTool.run(tmp, TIMEOUT, "dpkg-deb", "-x", deb("cairn-" + role).toString(), x.toString()).exitCode());
        assertEquals(0, ExternalTool.run(tmp, TIMEOUT, "dpkg-deb", "-e", deb("cairn-" + role).toString(), ctl.toString()).exitCode());
        Path root = ExternalTool.repoRoot();
        assertArrayEquals(Files.readAllBytes(root.resolve("systemd/cairn-" + role + ".service")),
                Files.readAllBytes(x.resolve("lib/systemd/system/cairn-" + role + ".service")));
        assertArrayEquals(Files.readAllBytes(root.resolve("packaging/src/pkg/" + role + "/" + role + ".yaml")),
                Files.readAllBytes(x.resolve("etc/cairn/" + role + ".yaml")));
        assertEquals(List.of("/etc/cairn/" + role + ".yaml", "/etc/default/cairn-" + role),
                Files.readAllLines(ctl.resolve("conffiles")).stream().map(String::strip).sorted().toList());
    }

    private Path script(String role, String name) throws IOException {
        Path ctl = tmp.resolve("ctl-" + role);
        if (!Files.isDirectory(ctl)) {
            assertEquals(0, ExternalTool.run(tmp, TIMEOUT, "dpkg-deb", "-e", deb("cairn-" + role).toString(), ctl.toString()).exitCode());
        }
        return ctl.resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void postinst_freshInstall_createsUserAndStateAndEnablesTheUnit(String role) throws IOException {
        List<String> calls = MaintainerScripts.run(script(role, "postinst"), tmp, Map.of("getent", 2, "dpkg-statoverride", 1), "configure");
        String unit = "cairn-" + role + ".service";
        assertTrue(calls.contains("addgroup --system --quiet cairn"), calls.toString());
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("adduser --system --quiet --ingroup cairn --no-create-home --home /var/lib/cairn")), calls.toString());
        assertTrue(calls.contains("install -d -o cairn -g cairn -m 0750 /var/lib/cairn/" + role), calls.toString());
        // The config's group and mode are tightened when the conffile is there (the test host has none).
        assertEquals(Files.isRegularFile(Path.of("/etc/cairn/" + role + ".yaml")),
                calls.contains("chmod 0640 /etc/cairn/" + role + ".yaml"), calls.toString());
        assertTrue(calls.contains("deb-systemd-helper enable " + unit), calls.toString());
        // Started only where systemd runs (not in a chroot, a container build, or this test machine).
        assertEquals(MaintainerScripts.systemdRuns(), calls.contains("deb-systemd-invoke start " + unit), calls.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void postinst_userExists_isLeftAlone(String role) throws IOException {
        List<String> calls = MaintainerScripts.run(script(role, "postinst"), tmp, Map.of("dpkg-statoverride", 1), "configure", "0.0.9-1");
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("adduser") || c.startsWith("addgroup")), calls.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void postrm_removeKeepsState_purgeDeletesIt(String role) throws IOException {
        List<String> remove = MaintainerScripts.run(script(role, "postrm"), tmp, Map.of(), "remove");
        assertFalse(remove.stream().anyMatch(c -> c.startsWith("rm ")), "remove must keep the state: " + remove);
        List<String> purge = MaintainerScripts.run(script(role, "postrm"), tmp, Map.of(), "purge");
        assertTrue(purge.contains("rm -rf /var/lib/cairn/" + role), purge.toString());
        assertTrue(purge.contains("deb-systemd-helper purge cairn-" + role + ".service"), purge.toString());
        assertFalse(purge.stream().anyMatch(c -> c.startsWith("deluser")), "the system user stays (Debian convention)");
    }
}
