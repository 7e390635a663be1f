package dev.cairn.packaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vagrant/Vagrantfile passes {@code vagrant validate}. No hypervisor runs here, so provider blocks are ignored
 * (-p); the machines, provisioners, the Puppet manifest and the module path are still checked, offline.
 */
class VagrantValidateTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;

    @BeforeAll
    static void vagrant() {
        ExternalTool.require("vagrant", "vagrant");
    }

    private Map<String, String> env() {
        // Keep Vagrant's machine state out of the checkout and its version check off the network.
        return Map.of("VAGRANT_DOTFILE_PATH", tmp.resolve("dot").toString(), "VAGRANT_CHECKPOINT_DISABLE", "1");
    }

    private static Path lab() {
        return ExternalTool.repoRoot().resolve("vagrant");
    }

    @Test
    void validate_lab_succeeds() {
        ExternalTool.Result r = ExternalTool.run(lab(), TIMEOUT, env(), List.of("vagrant", "validate", "--ignore-provider"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("Vagrantfile validated successfully."), r.toString());
    }

    @Test
    void validate_misspelledProvisionerSetting_fails() throws IOException {
        Path copy = Files.createDirectories(tmp.resolve("lab"));
        for (String dir : new String[] {"manifests", "provision", "modules"}) {
            Files.createSymbolicLink(copy.resolve(dir), lab().resolve(dir));
        }
        String vagrantfile = Files.readString(lab().resolve("Vagrantfile"));
        assertTrue(vagrantfile.contains("p.options = "));
        Files.writeString(copy.resolve("Vagrantfile"), vagrantfile.replace("p.options = ", "p.optoins = "));
        ExternalTool.Result r = ExternalTool.run(copy, TIMEOUT, env(), List.of("vagrant", "validate", "--ignore-provider"));
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.output().contains("optoins"), r.toString());
    }

    @Test
    void lab_usesThisRepositorysPuppetModule() throws IOException {
        Path module = lab().resolve("modules/cairn");
        assertTrue(Files.isSymbolicLink(module), module + " must link to ../../puppet-module");
        assertEquals(ExternalTool.repoRoot().resolve("puppet-module").toRealPath(), module.toRealPath());
        String site = Files.readString(lab().resolve("manifests/site.pp"));
        assertTrue(site.contains("class { 'cairn::appliance':") && site.contains("class { 'cairn::agent':"), site);
    }
}
