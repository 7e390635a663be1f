package dev.cairn.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The honest test of the packages and the Puppet module: the built .debs on a clean Debian 12 with real
 * systemd as PID 1 (a {@link DebianRoot debootstrap root} booted by {@link NspawnContainer systemd-nspawn}).
 *
 * <p>One container, one admin's story in order; each step starts from where the previous one left the host:
 * <ol>
 *   <li>{@code dpkg -i} of cairn-common, cairn-appliance, cairn-agent: the appliance runs as a service at once,
 *       the agent is enabled but refuses to run until its appliance URL is configured, and says so.</li>
 *   <li>Debian's own {@code prometheus} service remote-writes to the agent's relay, which forwards to the
 *       appliance; the appliance's HTTP API answers queries about that Prometheus.</li>
 *   <li>{@code systemctl restart cairn-appliance} keeps every sample it had acknowledged.</li>
 *   <li>An upgrade to a later version keeps the admin's edited conffiles and restarts the services.</li>
 *   <li>{@code dpkg --purge} removes the services, their config and state.</li>
 *   <li>{@code puppet apply} of {@code class { 'cairn::agent': }} installs the agent from a local apt repository
 *       holding the built .debs, writes a config the agent accepts, and leaves the service running.</li>
 * </ol>
 * A step that fails leaves the later ones failing too: they depend on it, as an admin's next step would.
 * Requires root, {@code debootstrap} and {@code systemd-nspawn} (scripts/install-deps.sh); fails when missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NspawnSystemTest {

    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final Duration LONG = Duration.ofMinutes(4);
    /** A JVM service on a loaded 2-core machine: start, WAL replay, first answers. */
    private static final Duration SERVICE_UP = Duration.ofSeconds(120);

    /** Where the built packages and the Puppet module appear inside (read-only bind mounts). */
    private static final String DEBS = "/srv/cairn-test/debs";
    private static final String UPGRADE = "/srv/cairn-test/upgrade";
    private static final String MODULES = "/srv/cairn-test/puppet";

    /** Ports inside the container's own network namespace; the host's ports are not involved. */
    private static final int APPLIANCE_EDITED_PORT = 19902;
    private static final int AGENTS_EDITED_PORT = 19391;
    private static final int APPLIANCE_DEFAULT_PORT = 10902;
    private static final String JOB = "cairn-nspawn";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private NspawnContainer box;
    private String version;
    private String nextVersion;
    private long startNanos;

    /** Filled in by earlier steps for the later ones. */
    private String sampleTime;
    private long samplesAtThatTime;

    @BeforeAll
    void bootContainer() throws IOException {
        startNanos = System.nanoTime();
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("this test boots a container with systemd-nspawn and needs root (CI runs as root)");
        }
        // All the tools first, so that a missing one fails at once and not after building the root.
        ExternalTool.require("dpkg-deb", "dpkg");
        ExternalTool.require("debootstrap", "debootstrap");
        ExternalTool.require("systemd-nspawn", "systemd-container");
        ExternalTool.require("nsenter", "util-linux");
        work = Files.createTempDirectory("cairn-nspawn-");
        Path debs = Files.createDirectories(work.resolve("debs"));
        Path upgrade = Files.createDirectories(work.resolve("upgrade"));
        List<Path> built = new ArrayList<>();
        for (String p : List.of("cairn-common", "cairn-appliance", "cairn-agent")) {
            Path deb = ExternalTool.built(ExternalTool.target(), p + "_*_all.deb", 1).get(0);
            built.add(Files.copy(deb, debs.resolve(deb.getFileName())));
        }
        version = DebRebuild.version(built.get(0));
        nextVersion = DebRebuild.nextVersion(version);
        // The next release changes the shipped default of both YAML configs, which the admin has also edited:
        // dpkg must keep the admin's file (--force-confold) and leave the new default beside it as .dpkg-dist.
        Map<String, Map<String, String>> changes = Map.of(
                "cairn-appliance", Map.of("etc/cairn/appliance.yaml", "# default changed in " + nextVersion + "\n"),
                "cairn-agent", Map.of("etc/cairn/agent.yaml", "# default changed in " + nextVersion + "\n"),
                "cairn-common", Map.of());
        for (Path deb : built) {
            String pkg = deb.getFileName().toString().split("_")[0];
            DebRebuild.rebuild(deb, version, nextVersion, changes.get(pkg), work, upgrade);
        }

        Path root = DebianRoot.get();
        long t0 = System.nanoTime();
        Map<Path, String> binds = new LinkedHashMap<>();
        binds.put(debs, DEBS);
        binds.put(upgrade, UPGRADE);
        binds.put(ExternalTool.repoRoot().resolve("puppet-module"), MODULES + "/cairn");
        box = NspawnContainer.boot(root, binds, work, LONG);
        log("root ready after " + seconds(startNanos) + " s; booted in " + seconds(t0) + " s");
    }

    @AfterEach
    void stepTime(TestInfo step) {
        log(step.getDisplayName() + " done at " + seconds(startNanos) + " s");
    }

    @AfterAll
    void stopContainer() throws IOException {
        if (box != null) {
            long t0 = System.nanoTime();
            box.close();
            log("container halted in " + seconds(t0) + " s");
        }
        if (work != null) {
            ExternalTool.run(Path.of("/"), SHORT, "rm", "-rf", "--one-file-system", work.toString());
        }
        log("whole test: " + seconds(startNanos) + " s");
    }

    @Test
    @Order(1)
    void dpkgInstall_applianceRuns_agentWaitsForItsApplianceUrl() {
        String out = box.sh(LONG, "dpkg -i " + DEBS + "/cairn-common_*.deb " + DEBS + "/cairn-appliance_*.deb "
                + DEBS + "/cairn-agent_*.deb");
        assertTrue(out.contains("Setting up cairn-agent (" + version + ")"), out);

        for (String unit : List.of("cairn-appliance", "cairn-agent")) {
            assertEquals("enabled", box.exec(SHORT, "systemctl", "is-enabled", unit).output().strip(), unit);
        }
        // Started by postinst with the packaged config (HTTP on 127.0.0.1:10902, data under its StateDirectory).
        awaitReady(APPLIANCE_DEFAULT_PORT);
        assertEquals("active", box.exec(SHORT, "systemctl", "is-active", "cairn-appliance").output().strip());
        assertEquals("cairn:cairn 750", stat("/var/lib/cairn/appliance"));
        assertEquals("cairn:cairn 750", stat("/var/lib/cairn/agent"));
        assertEquals("root:cairn 640", stat("/etc/cairn/appliance.yaml"));
        assertEquals("root:cairn 640", stat("/etc/cairn/agent.yaml"));
        assertEquals("cairn", box.sh(SHORT, "systemctl show -p User --value cairn-appliance").strip());
        // The packaged agent.yaml has no appliance URL: the agent exits non-zero with a message naming the key to set.
        box.await(SERVICE_UP, "cairn-agent to refuse its unconfigured appliance.url", () ->
                box.journal("cairn-agent").contains("appliance.url (--appliance): required") ? Optional.of(true) : Optional.empty());
        assertNotEquals("0", box.sh(SHORT, "systemctl show -p ExecMainStatus --value cairn-agent").strip(), box.journal("cairn-agent"));

        // The admin's edits: the appliance on another port and a smaller heap, the agent pointed at it.
        box.sh(SHORT, "sed -i -e 's/^  listen: 0.0.0.0:10902$/  listen: 127.0.0.1:" + APPLIANCE_EDITED_PORT + "/'"
                // agent and appliance on one host: the relay has 127.0.0.1:19291, so the agents' port moves
                + " -e 's/^  listen: 0.0.0.0:19291$/  listen: 127.0.0.1:" + AGENTS_EDITED_PORT + "/'"
                + " /etc/cairn/appliance.yaml\n"
                + "sed -i 's/^JAVA_OPTS=.*/JAVA_OPTS=-Xms64m -Xmx384m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError/'"
                + " /etc/default/cairn-appliance\n"
                + "sed -i 's|^  # url: .*|  url: http://127.0.0.1:" + APPLIANCE_EDITED_PORT + "/api/v1/write|' /etc/cairn/agent.yaml\n"
                + "grep -q '^  url: http://127.0.0.1:" + APPLIANCE_EDITED_PORT + "/api/v1/write$' /etc/cairn/agent.yaml\n"
                + "systemctl restart cairn-appliance cairn-agent");
        awaitReady(APPLIANCE_EDITED_PORT);
        awaitRelay("http://127.0.0.1:" + APPLIANCE_EDITED_PORT + "/api/v1/write");
        assertTrue(javaCommandLine("cairn-appliance").contains("-Xmx384m"), javaCommandLine("cairn-appliance"));
    }

    @Test
    @Order(2)
    void prometheusRemoteWrite_throughTheAgentRelay_isQueryableOnTheAppliance() {
        // Debian's prometheus.service, started at boot, now scrapes itself every 2 s and remote-writes to the
        // relay only; the appliance's address is known to the agent alone.
        box.write("/etc/prometheus/prometheus.yml", """
                global:
                  scrape_interval: 2s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ['127.0.0.1:9090']
                remote_write:
                  - url: http://127.0.0.1:19291/api/v1/write
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 100ms
                      max_backoff: 2s
                """.formatted(JOB));
        box.sh(SHORT, "systemctl restart prometheus");
        JsonNode build = box.await(SERVICE_UP, "prometheus_build_info from the relayed Prometheus on the appliance",
                () -> nonEmpty(query(APPLIANCE_EDITED_PORT, "prometheus_build_info{job=\"" + JOB + "\"}", null)));
        // A label value only the real Prometheus 2.42 from Debian can have sent.
        assertEquals("2.42.0+ds", build.get(0).get("metric").get("version").asText(), build.toString());
        JsonNode up = box.await(SERVICE_UP, "up == 1", () -> nonEmpty(query(APPLIANCE_EDITED_PORT, "up{job=\"" + JOB + "\"}", null)));
        assertEquals("1", up.get(0).get("value").get(1).asText(), up.toString());
    }

    @Test
    @Order(3)
    void restartAppliance_keepsTheSamplesItHad() {
        // Wait for a few samples, then count those up to a fixed time; the count must not change by a restart.
        box.await(SERVICE_UP, "at least 3 samples of up", () -> {
            JsonNode r = nonEmpty(query(APPLIANCE_EDITED_PORT, "count_over_time(up{job=\"" + JOB + "\"}[1h])", null)).orElse(null);
            return r != null && r.get(0).get("value").get(1).asInt() >= 3 ? Optional.of(r) : Optional.empty();
        });
        sampleTime = nonEmpty(query(APPLIANCE_EDITED_PORT, "timestamp(up{job=\"" + JOB + "\"})", null)).orElseThrow()
                .get(0).get("value").get(1).asText();
        samplesAtThatTime = countAt(sampleTime);
        String pid = mainPid("cairn-appliance");

        box.sh(SHORT, "systemctl restart cairn-appliance");
        awaitReady(APPLIANCE_EDITED_PORT);
        assertNotEquals(pid, mainPid("cairn-appliance"), "the appliance was not restarted");
        assertEquals(samplesAtThatTime, countAt(sampleTime), "samples up to " + sampleTime + " before and after the restart");
        // And it keeps receiving: the relay retried what it could not deliver during the restart.
        double restartedAt = Double.parseDouble(box.sh(SHORT, "date +%s").strip());
        box.await(SERVICE_UP, "a sample newer than the restart", () -> newestSample().filter(t -> t > restartedAt));
    }

    @Test
    @Order(4)
    void upgrade_keepsEditedConffiles_andRestartsTheServices() {
        String appliancePid = mainPid("cairn-appliance");
        String agentPid = mainPid("cairn-agent");
        // --force-confold: what an unattended upgrade answers to "config changed by you and by the package".
        String out = box.sh(LONG, "dpkg -i --force-confold " + UPGRADE + "/cairn-common_*.deb " + UPGRADE
                + "/cairn-appliance_*.deb " + UPGRADE + "/cairn-agent_*.deb");
        for (String p : List.of("cairn-common", "cairn-appliance", "cairn-agent")) {
            assertEquals(nextVersion, box.sh(SHORT, "dpkg-query -W -f '${Version}' " + p).strip(), out);
        }
        // The admin's edits are in place; the new defaults sit beside them.
        box.sh(SHORT, "grep -qx '  listen: 127.0.0.1:" + APPLIANCE_EDITED_PORT + "' /etc/cairn/appliance.yaml\n"
                + "grep -qx '  url: http://127.0.0.1:" + APPLIANCE_EDITED_PORT + "/api/v1/write' /etc/cairn/agent.yaml\n"
                + "grep -q -- '-Xmx384m' /etc/default/cairn-appliance\n"
                + "grep -qx '# default changed in " + nextVersion + "' /etc/cairn/appliance.yaml.dpkg-dist\n"
                + "grep -qx '# default changed in " + nextVersion + "' /etc/cairn/agent.yaml.dpkg-dist\n"
                + "! grep -q 'default changed' /etc/cairn/appliance.yaml /etc/cairn/agent.yaml");
        assertEquals("root:cairn 640", stat("/etc/cairn/agent.yaml"));
        // postinst restarted both with the new version and the kept configs.
        awaitReady(APPLIANCE_EDITED_PORT);
        awaitRelay("http://127.0.0.1:" + APPLIANCE_EDITED_PORT + "/api/v1/write");
        assertNotEquals(appliancePid, mainPid("cairn-appliance"), "postinst did not restart the appliance");
        assertNotEquals(agentPid, mainPid("cairn-agent"), "postinst did not restart the agent");
        assertTrue(javaCommandLine("cairn-appliance").contains("-Xmx384m"), javaCommandLine("cairn-appliance"));
        assertEquals(samplesAtThatTime, countAt(sampleTime), "samples up to " + sampleTime + " after the upgrade");
        double upgradedAt = Double.parseDouble(box.sh(SHORT, "date +%s").strip());
        box.await(SERVICE_UP, "a sample newer than the upgrade", () -> newestSample().filter(t -> t > upgradedAt));
    }

    @Test
    @Order(5)
    void purge_removesServicesConfigAndState() {
        box.sh(LONG, "dpkg --purge cairn-agent cairn-appliance cairn-common");
        box.sh(SHORT, """
                for f in /var/lib/cairn /etc/cairn /etc/default/cairn-agent /etc/default/cairn-appliance \\
                         /lib/systemd/system/cairn-agent.service /lib/systemd/system/cairn-appliance.service \\
                         /etc/systemd/system/multi-user.target.wants/cairn-agent.service \\
                         /etc/systemd/system/multi-user.target.wants/cairn-appliance.service /usr/share/cairn; do
                  if [ -e "$f" ]; then echo "left after purge: $f"; exit 1; fi
                done
                """);
        for (String unit : List.of("cairn-appliance", "cairn-agent")) {
            assertNotEquals("active", box.exec(SHORT, "systemctl", "is-active", unit).output().strip(), unit);
        }
        // No process of the user cairn is left; the user itself stays (Debian keeps system users).
        box.sh(SHORT, "uid=$(id -u cairn); for s in /proc/[0-9]*/status; do "
                + "if grep -q \"^Uid:[[:space:]]*$uid[[:space:]]\" \"$s\" 2>/dev/null; then echo \"still running: $s\"; exit 1; fi; done");
    }

    @Test
    @Order(6)
    void puppetApply_cairnAgent_installsFromARepositoryAndRunsTheService() {
        // A local apt repository with the built packages, as a site's own repository would be.
        box.sh(LONG, "mkdir -p /var/local/cairn-repo\n"
                + "cp " + DEBS + "/*.deb /var/local/cairn-repo/\n"
                + "cd /var/local/cairn-repo && apt-ftparchive packages . > Packages\n"
                + "echo 'deb [trusted=yes] file:/var/local/cairn-repo ./' > /etc/apt/sources.list.d/cairn-local.list\n"
                // Only this source: the container has no network for Debian's (its lists come from the build).
                + "apt-get update -o Dir::Etc::sourcelist=sources.list.d/cairn-local.list -o Dir::Etc::sourceparts=- "
                + "-o APT::Get::List-Cleanup=0\n"
                + "apt-get install -y cairn-appliance\n"
                // the agent comes to this host too: its relay needs 127.0.0.1:19291, so the agents' port moves
                + "sed -i 's/^  listen: 0.0.0.0:19291$/  listen: 127.0.0.1:" + AGENTS_EDITED_PORT + "/'"
                + " /etc/cairn/appliance.yaml\n"
                + "systemctl restart cairn-appliance");
        awaitReady(APPLIANCE_DEFAULT_PORT);
        log("  repository and appliance ready at " + seconds(startNanos) + " s");

        String manifest = "class { 'cairn::agent':"
                + " appliance_url => 'http://127.0.0.1:" + APPLIANCE_DEFAULT_PORT + "/api/v1/write',"
                + " java_opts => '-Xms32m -Xmx256m -XX:+UseSerialGC' }";
        List<String> apply = List.of("puppet", "apply", "--detailed-exitcodes", "--color=false",
                "--modulepath=" + MODULES + ":/usr/share/puppet/modules", "-e", manifest);
        ExternalTool.Result first = box.exec(LONG, apply.toArray(String[]::new));
        // --detailed-exitcodes: 2 = changes applied and no failures.
        assertEquals(2, first.exitCode(), first.toString());
        log("  first puppet apply done at " + seconds(startNanos) + " s");
        assertEquals(version, box.sh(SHORT, "dpkg-query -W -f '${Version}' cairn-agent").strip());
        assertTrue(box.sh(SHORT, "cat /etc/cairn/agent.yaml").contains("managed by Puppet"));
        assertEquals("root:cairn 640", stat("/etc/cairn/agent.yaml"));
        awaitRelay("http://127.0.0.1:" + APPLIANCE_DEFAULT_PORT + "/api/v1/write");
        assertEquals("enabled", box.exec(SHORT, "systemctl", "is-enabled", "cairn-agent").output().strip());
        // The Prometheus from step 2 still writes to the relay: its data reaches the fresh appliance.
        box.await(SERVICE_UP, "up from the relayed Prometheus on the appliance installed for Puppet",
                () -> nonEmpty(query(APPLIANCE_DEFAULT_PORT, "up{job=\"" + JOB + "\"}", null)));
        log("  relayed data on the appliance at " + seconds(startNanos) + " s");
        // A second run changes nothing: exit 0.
        ExternalTool.Result again = box.exec(LONG, apply.toArray(String[]::new));
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals("active", box.exec(SHORT, "systemctl", "is-active", "cairn-agent").output().strip(), box.journal("cairn-agent"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private String stat(String path) {
        return box.sh(SHORT, "stat -c '%U:%G %a' " + path).strip();
    }

    private String mainPid(String unit) {
        return box.sh(SHORT, "systemctl show -p MainPID --value " + unit).strip();
    }

    /** The service's Java command line (the wrapper scripts exec java, so it is the unit's main process). */
    private String javaCommandLine(String unit) {
        return box.sh(SHORT, "tr '\\0' ' ' < /proc/$(systemctl show -p MainPID --value " + unit + ")/cmdline");
    }

    private void awaitReady(int port) {
        box.await(SERVICE_UP, "the appliance answering /-/ready on 127.0.0.1:" + port + "\n" + "(journal at the start of the wait:\n"
                + DebianRoot.tail(box.journal("cairn-appliance"), 10) + ")", () -> {
                    ExternalTool.Result r = box.exec(SHORT, "curl", "-fsS", "--max-time", "10", "http://127.0.0.1:" + port + "/-/ready");
                    return r.exitCode() == 0 ? Optional.of(true) : Optional.empty();
                });
        assertEquals("active", box.exec(SHORT, "systemctl", "is-active", "cairn-appliance").output().strip());
    }

    /** Waits until the agent's current process has logged that its relay listens and forwards to {@code url}. */
    private void awaitRelay(String url) {
        box.await(SERVICE_UP, "cairn-agent's relay forwarding to " + url, () -> {
            String pid = mainPid("cairn-agent");
            if (pid.equals("0") || !box.exec(SHORT, "systemctl", "is-active", "cairn-agent").output().strip().equals("active")) {
                return Optional.empty();
            }
            // The wrapper script execs java, so the unit's main PID is the JVM that logs this line.
            ExternalTool.Result log = box.exec(SHORT, "journalctl", "--no-pager", "-o", "cat", "_PID=" + pid);
            return log.output().contains("relay listening on 127.0.0.1:19291, forwarding to " + url) ? Optional.of(true) : Optional.empty();
        });
    }

    /** An instant query on the appliance's HTTP API; empty when it does not answer (yet). */
    private Optional<JsonNode> query(int port, String promql, String time) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-fsS", "--max-time", "20", "--get",
                "--data-urlencode", "query=" + promql));
        if (time != null) {
            cmd.addAll(List.of("--data-urlencode", "time=" + time));
        }
        cmd.add("http://127.0.0.1:" + port + "/api/v1/query");
        ExternalTool.Result r = box.exec(SHORT, cmd.toArray(String[]::new));
        if (r.exitCode() != 0) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(r.output());
            assertEquals("success", n.path("status").asText(), r.output());
            return Optional.of(n.get("data").get("result"));
        } catch (IOException e) {
            throw new AssertionError("the appliance answered " + promql + " with no JSON: " + r.output(), e);
        }
    }

    private static Optional<JsonNode> nonEmpty(Optional<JsonNode> result) {
        return result.filter(r -> r.isArray() && !r.isEmpty());
    }

    private long countAt(String time) {
        JsonNode r = nonEmpty(query(APPLIANCE_EDITED_PORT, "count_over_time(up{job=\"" + JOB + "\"}[1h])", time))
                .orElseThrow(() -> new AssertionError("no samples of up at " + time));
        return r.get(0).get("value").get(1).asLong();
    }

    private Optional<Double> newestSample() {
        return nonEmpty(query(APPLIANCE_EDITED_PORT, "timestamp(up{job=\"" + JOB + "\"})", null))
                .map(r -> r.get(0).get("value").get(1).asDouble());
    }

    private static long seconds(long sinceNanos) {
        return Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds();
    }

    private void log(String s) {
        System.out.println("[NspawnSystemTest] " + s);
    }
}
