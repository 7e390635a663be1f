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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the .rpm files contain, that all three install together, and what their scriptlets do. */
class RpmPackagesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @BeforeAll
    static void rpm() {
        ExternalTool.require("rpm", "rpm");
    }

    static Path rpm(String name) {
        return ExternalTool.built(ExternalTool.target().resolve("rpm/" + name + "/RPMS/noarch"), name + "-*.noarch.rpm", 1).get(0);
    }

    static List<Path> rpms() {
        return List.of(rpm("cairn-common"), rpm("cairn-agent"), rpm("cairn-appliance"));
    }

    private static List<String> query(Path rpm, String... args) {
        List<String> command = new ArrayList<>(List.of("rpm", "-qp"));
        command.addAll(List.of(args));
        command.add(rpm.toString());
        ExternalTool.Result r = ExternalTool.run(ExternalTool.target(), TIMEOUT, Map.of(), command);
        assertEquals(0, r.exitCode(), r.toString());
        return r.output().lines().map(String::strip).toList();
    }

    private static List<String> fileList(Path rpm) {
        return query(rpm, "--qf", "[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\\n]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void files_configIsNoreplaceAndPrivate_stateDirOwnedByCairn(String role) {
        List<String> files = fileList(rpm("cairn-" + role));
        assertTrue(files.contains("cn -rw-r----- root:cairn /etc/cairn/" + role + ".yaml"), files.toString());
        assertTrue(files.contains("cn -rw-r--r-- root:root /etc/sysconfig/cairn-" + role), files.toString());
        assertTrue(files.contains("-rwxr-xr-x root:root /usr/bin/cairn-" + role), files.toString());
        assertTrue(files.contains("-rw-r--r-- root:root /usr/lib/systemd/system/cairn-" + role + ".service"), files.toString());
        assertTrue(files.contains("drwxr-x--- cairn:cairn /var/lib/cairn/" + role), files.toString());
        // System directories belong to the distribution: owning /usr/bin would conflict with filesystem.rpm.
        assertFalse(files.stream().anyMatch(f -> f.endsWith(" /usr/bin") || f.endsWith(" /etc/sysconfig")
                || f.endsWith(" /usr/lib/systemd/system")), files.toString());
    }

    @Test
    void requires_javaForCommon_exactCommonAndScriptletToolsForRoles() {
        List<String> common = query(rpm("cairn-common"), "--requires");
        assertTrue(common.contains("(java-17-openjdk-headless or java-21-openjdk-headless)"), common.toString());
        String version = query(rpm("cairn-common"), "--qf", "%{VERSION}-%{RELEASE}").get(0);
        for (String role : new String[] {"cairn-agent", "cairn-appliance"}) {
            List<String> req = query(rpm(role), "--qf", "[%{REQUIREFLAGS:deptype} %{REQUIRENAME} %{REQUIREVERSION}\\n]");
            assertTrue(req.contains("manual cairn-common " + version), req.toString());
            assertTrue(req.contains("pre shadow-utils"), req.toString());
            assertTrue(req.contains("post systemd"), req.toString());
            assertTrue(req.contains("preun systemd"), req.toString());
        }
    }

    @Test
    void install_allThreeIntoAnEmptyRoot_withoutConflicts() throws IOException {
        Path root = tmp.resolve("root");
        assertEquals(0, ExternalTool.run(tmp, TIMEOUT, "rpm", "--root", root.toString(), "--initdb").exitCode());
        List<String> command = new ArrayList<>(List.of("rpm", "--root", root.toString(), "-i", "--nodeps", "--noscripts"));
        rpms().forEach(r -> command.add(r.toString()));
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, Map.of(), command);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.isRegularFile(root.resolve("usr/share/cairn/cairn.jar")));
        assertTrue(Files.isRegularFile(root.resolve("usr/share/cairn/monitoring/rules/cairn.yml")));
        assertTrue(Files.isExecutable(root.resolve("usr/bin/cairn")));
        // A local edit of a config shows as a modified %config file, which an upgrade keeps (noreplace).
        Files.writeString(root.resolve("etc/cairn/agent.yaml"), "# local edit\n", java.nio.file.StandardOpenOption.APPEND);
        ExternalTool.Result v = ExternalTool.run(tmp, TIMEOUT, "rpm", "--root", root.toString(), "-V", "cairn-agent");
        assertTrue(v.output().lines().anyMatch(l -> l.matches("S\\.5.*\\sc /etc/cairn/agent.yaml")), v.toString());
    }

    /** Extracts a scriptlet (pre, post, preun, postun) from the built rpm, as rpm will run it. */
    private Path scriptlet(String role, String name) throws IOException {
        String header = switch (name) {
            case "pre" -> "preinstall";
            case "post" -> "postinstall";
            case "preun" -> "preuninstall";
            case "postun" -> "postuninstall";
            default -> throw new IllegalArgumentException(name);
        } + " scriptlet (using /bin/sh):";
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, "rpm", "-qp", "--scripts", rpm("cairn-" + role).toString());
        assertEquals(0, r.exitCode(), r.toString());
        StringBuilder body = null;
        for (String line : r.output().split("\n", -1)) {
            if (line.matches("\\w+ scriptlet \\(using /bin/sh\\):")) {
                if (body != null) {
                    break;
                }
                if (line.equals(header)) {
                    body = new StringBuilder();
                }
            } else if (body != null) {
                body.append(line).append('\n');
            }
        }
        assertTrue(body != null, "cairn-" + role + " has no " + name + " scriptlet:\n" + r.output());
        Path file = tmp.resolve(role + "-" + name + ".sh");
        Files.writeString(file, body);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "appliance"})
    void scriptlets_firstInstallEnables_eraseDisables_upgradeTouchesNothing(String role) throws IOException {
        String unit = "cairn-" + role + ".service";
        List<String> pre = MaintainerScripts.run(scriptlet(role, "pre"), tmp, Map.of("getent", 2), "1");
        assertTrue(pre.contains("groupadd --system cairn"), pre.toString());
        assertTrue(pre.stream().anyMatch(c -> c.startsWith("useradd --system --gid cairn")), pre.toString());

        List<String> post = MaintainerScripts.run(scriptlet(role, "post"), tmp, Map.of(), "1");
        assertTrue(post.contains("systemctl --no-reload enable " + unit), post.toString());
        assertEquals(MaintainerScripts.systemdRuns(), post.contains("systemctl start " + unit), post.toString());
        assertEquals(List.of(), MaintainerScripts.run(scriptlet(role, "post"), tmp, Map.of(), "2"), "upgrade keeps the admin's choice");

        List<String> erase = MaintainerScripts.run(scriptlet(role, "preun"), tmp, Map.of(), "0");
        assertTrue(erase.stream().anyMatch(c -> c.startsWith("systemctl --no-reload disable") && c.endsWith(unit)), erase.toString());
        assertEquals(List.of(), MaintainerScripts.run(scriptlet(role, "preun"), tmp, Map.of(), "1"), "upgrade must not stop the service");
        List<String> postun = MaintainerScripts.run(scriptlet(role, "postun"), tmp, Map.of(), "0");
        assertFalse(postun.stream().anyMatch(c -> c.startsWith("rm")), "erase keeps the state: " + postun);
    }
}
