package dev.cairn.packaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
                "manifests", "types", "examples");
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
    void puppetValidate_manifestsAndTemplates_parse() throws IOException {
        ExternalTool.require("puppet", "puppet");
        Map<String, String> env = Map.of("HOME", tmp.toString());
        ExternalTool.Result r = ExternalTool.run(module(), TIMEOUT, env,
                List.of("puppet", "parser", "validate", "manifests", "types", "examples"));
        assertEquals(0, r.exitCode(), r.toString());
        List<String> epp = new ArrayList<>(List.of("puppet", "epp", "validate"));
        try (Stream<Path> s = Files.list(module().resolve("templates"))) {
            s.filter(p -> p.toString().endsWith(".epp")).sorted().forEach(p -> epp.add(p.toString()));
        }
        assertEquals(6, epp.size(), "expected three templates: " + epp);
        ExternalTool.Result e = ExternalTool.run(module(), TIMEOUT, env, epp);
        assertEquals(0, e.exitCode(), e.toString());
    }

    @Test
    void metadataJsonLint_strict_clean() {
        ExternalTool.require("metadata-json-lint", "metadata-json-lint");
        ExternalTool.Result r = ExternalTool.run(module(), TIMEOUT, "metadata-json-lint", "--strict-license",
                "--strict-dependencies", "metadata.json");
        assertEquals(0, r.exitCode(), r.toString());
    }
}
