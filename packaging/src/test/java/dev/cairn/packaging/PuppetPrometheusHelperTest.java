package dev.cairn.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module's helper for a Prometheus managed by puppet-prometheus ({@code cairn::remote_write_config()})
 * yields a remote_write entry that the real Prometheus accepts: Puppet renders a prometheus.yml with it,
 * exactly as puppet-prometheus would from {@code remote_write_configs}, and {@code promtool check config}
 * validates the file. (rspec-puppet checks the function's values; this checks them against Prometheus.)
 */
class PuppetPrometheusHelperTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    void remoteWriteConfig_renderedByPuppet_isAValidPrometheusConfig() throws Exception {
        ExternalTool.require("puppet", "puppet");
        ExternalTool.require("promtool", "prometheus");
        Path modules = Files.createDirectories(tmp.resolve("modules"));
        Files.createSymbolicLink(modules.resolve("cairn"), ExternalTool.repoRoot().resolve("puppet-module").toAbsolutePath());
        Path out = tmp.resolve("prometheus.yml");
        String manifest = "file { '" + out + "': content => to_yaml({"
                + "'global' => {'scrape_interval' => '15s', 'external_labels' => {'cluster' => 'dc1'}},"
                + "'remote_write' => [cairn::remote_write_config({'max_samples_per_send' => 2000,"
                + " 'batch_send_deadline' => '5s', 'capacity' => 10000})]}) }";
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, Map.of("HOME", tmp.toString()), List.of("puppet", "apply",
                "--confdir", tmp.resolve("conf").toString(), "--vardir", tmp.resolve("var").toString(),
                "--codedir", tmp.resolve("code").toString(), "--logdir", tmp.resolve("log").toString(),
                "--rundir", tmp.resolve("run").toString(),
                "--modulepath", modules + ":/usr/share/puppet/modules", "-e", manifest));
        assertEquals(0, r.exitCode(), r.toString());
        String yaml = Files.readString(out);
        assertTrue(yaml.contains("url: http://127.0.0.1:19291/api/v1/write"), yaml);

        ExternalTool.Result check = ExternalTool.run(tmp, TIMEOUT, "promtool", "check", "config", out.toString());
        assertEquals(0, check.exitCode(), check + "\n" + yaml);
        assertTrue(check.output().contains("SUCCESS"), check.toString());
    }
}
