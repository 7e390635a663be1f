package dev.cairn.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Puppet module passes its rspec-puppet tests ({@code rake spec}), puppet-lint and Puppet's own validators. */
class PuppetModuleTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    private static Path module() {
        return ExternalTool.repoRoot().resolve("puppet-module");
    }

    @Test
    void rakeSpec_allExamplesPass() {
        // rake spec, not rspec spec: spec_prep links the fixtures (offline, .fixtures.yml) and spec_clean removes them.
        ExternalTool.require("rake", "rake");
        ExternalTool.require("rspec", "ruby-rspec");
        ExternalTool.Result r = ExternalTool.run(module(), TIMEOUT, "rake", "spec");
        assertEquals(0, r.exitCode(), r.toString());
        Matcher m = Pattern.compile("(\\d+) examples?, 0 failures").matcher(r.output());
        assertTrue(m.find(), r.toString());
        assertTrue(Integer.parseInt(m.group(1)) >= 30, "expected the module's examples to run: " + m.group());
    }

    @Test
    void puppetLint_manifestsTypesExamples_clean() {
        ExternalTool.require("puppet-lint", "puppet-lint");
        ExternalTool.Result r = ExternalTool.run(module(), TIMEOUT, "puppet-lint", "--fail-on-warnings", "--relative",
                "manifests", "types", "functions", "examples");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.output().strip(), r.toString());
    }

    @Test
    void puppetLint_styleProblem_isReported() throws IOException {
        ExternalTool.require("puppet-lint", "puppet-lint");
        Path bad = tmp.resolve("bad.pp");
        Files.writeString(bad, "class bad {\n  file { \"/tmp/x\": ensure => file }\n}\n");
        ExternalTool.Result r = ExternalTool.run(tmp, TIMEOUT, "puppet-lint", "--fail-on-warnings", bad.toString());
        assertNotEquals(0, r.exitCode(), "puppet-lint must flag a double-quoted string without variables: " + r);
    }

    @Test
    void rakeSyntaxLintMetadata_clean() {
        // One Ruby process for Puppet's parser on manifests, types and examples, the EPP templates, the module's
        // Hiera YAML, puppet-lint and metadata-json-lint (puppetlabs_spec_helper's tasks).
        ExternalTool.require("rake", "rake");
        ExternalTool.require("puppet", "puppet");
        ExternalTool.require("metadata-json-lint", "metadata-json-lint");
        ExternalTool.Result r = ExternalTool.run(module(), TIMEOUT, Map.of("HOME", tmp.toString()),
                List.of("rake", "syntax", "lint", "metadata_lint"));
        assertEquals(0, r.exitCode(), r.toString());
        for (String step : new String[] {"syntax:manifests", "syntax:templates", "syntax:hiera:yaml"}) {
            assertTrue(r.output().contains("---> " + step), "rake did not run " + step + ": " + r);
        }
    }
}
