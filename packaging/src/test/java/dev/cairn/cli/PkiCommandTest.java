package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn pki init-ca|issue|show} through {@link Cairn#execute}, judged by the system's openssl. */
class PkiCommandTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    Path dir;

    private record Result(int exit, String output) {
    }

    private static Result openssl(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(OPENSSL)) {
            throw new IllegalStateException(OPENSSL + " is missing: apt-get install openssl");
        }
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl " + String.join(" ", args) + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String line(String out, String field) {
        return out.lines().filter(l -> l.startsWith(field)).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElseThrow(() -> new AssertionError("no " + field + " line in:\n" + out));
    }

    @Test
    void initCa_issueServerAndClient_opensslVerifiesPurposes() throws Exception {
        Path ca = dir.resolve("ca");
        CliRun init = CliRun.of("pki", "init-ca", "--cn", "Test Cairn CA", ca.toString());
        assertEquals(0, init.exitCode(), init.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca.key"))));

        Path srv = dir.resolve("srv");
        CliRun issue = CliRun.of("pki", "issue", "--ca", ca.toString(), "--cn", "appliance.example", "--san",
                "appliance.example", "--san", "127.0.0.1", "--server", "--days", "30", srv.toString());
        assertEquals(0, issue.exitCode(), issue.toString());
        Path cli = dir.resolve("cli");
        CliRun issueClient = CliRun.of("pki", "issue", "--ca", ca.toString(), "--cn", "agent 7", "--client",
                cli.toString());
        assertEquals(0, issueClient.exitCode(), issueClient.toString());
        Path srvPem = srv.resolve("appliance.example.pem");
        Path cliPem = cli.resolve("agent_7.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.resolve("agent_7.key"))));
        assertEquals(Files.readString(ca.resolve("ca.pem")), Files.readString(cli.resolve("ca.pem")));

        String caFile = ca.resolve("ca.pem").toString();
        assertEquals(0, openssl("verify", "-CAfile", caFile, "-purpose", "sslserver", srvPem.toString()).exit());
        assertNotEquals(0, openssl("verify", "-CAfile", caFile, "-purpose", "sslclient", srvPem.toString()).exit());
        assertEquals(0, openssl("verify", "-CAfile", caFile, "-purpose", "sslclient", cliPem.toString()).exit());
        assertNotEquals(0, openssl("verify", "-CAfile", caFile, "-purpose", "sslserver", cliPem.toString()).exit());
        // the key written beside the certificate is its key
        Result certKey = openssl("x509", "-noout", "-pubkey", "-in", srvPem.toString());
        Result keyKey = openssl("pkey", "-pubout", "-in", srv.resolve("appliance.example.key").toString());
        assertEquals(0, keyKey.exit(), keyKey.output());
        assertEquals(certKey.output(), keyKey.output());
    }

    @Test
    void show_printsWhatOpensslReads() throws Exception {
        Path ca = dir.resolve("ca");
        assertEquals(0, CliRun.of("pki", "init-ca", ca.toString()).exitCode());
        Path out = dir.resolve("out");
        assertEquals(0, CliRun.of("pki", "issue", "--ca", ca.toString(), "--cn", "store-1", "--san", "store-1.lan",
                "--san", "10.1.2.3", "--san", "::1", "--days", "10", out.toString()).exitCode());
        Path pem = out.resolve("store-1.pem");
        CliRun show = CliRun.of("pki", "show", pem.toString());
        assertEquals(0, show.exitCode(), show.toString());
        String s = show.out();
        assertEquals("CN=store-1", line(s, "Subject"));
        assertEquals("CN=Cairn CA", line(s, "Issuer"));
        String sans = line(s, "Subject alt names");
        assertTrue(sans.contains("DNS:store-1.lan") && sans.contains("IP:10.1.2.3") && sans.contains("IP:0:0:0:0:0:0:0:1"), sans);
        assertEquals("serverAuth, clientAuth", line(s, "Extended key usage")); // neither flag: both
        assertEquals("digitalSignature", line(s, "Key usage"));
        assertEquals("no", line(s, "CA"));
        Instant notAfter = Instant.parse(line(s, "Not after"));
        Instant notBefore = Instant.parse(line(s, "Not before"));
        assertEquals(Duration.ofDays(10), Duration.between(notBefore, notAfter));
        Result fp = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString());
        assertEquals(fp.output().trim().replaceFirst("(?i)^sha256 fingerprint=", ""), line(s, "SHA-256 fingerprint"));
        Result serial = openssl("x509", "-noout", "-serial", "-in", pem.toString());
        assertEquals(serial.output().trim().replaceFirst("^serial=", "").replaceFirst("^0+", "").toLowerCase(),
                line(s, "Serial"));

        CliRun showCa = CliRun.of("pki", "show", ca.resolve("ca.pem").toString());
        assertEquals("yes", line(showCa.out(), "CA"));
        assertEquals("keyCertSign, cRLSign", line(showCa.out(), "Key usage"));
    }

    @Test
    void initCa_twice_refusesWithoutOverwriting() throws Exception {
        Path ca = dir.resolve("ca");
        assertEquals(0, CliRun.of("pki", "init-ca", ca.toString()).exitCode());
        String before = Files.readString(ca.resolve("ca.key"));
        CliRun again = CliRun.of("pki", "init-ca", ca.toString());
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("already holds a CA"), again.err());
        assertFalse(again.hasStackTrace(), again.toString());
        assertEquals(before, Files.readString(ca.resolve("ca.key")));
    }

    @Test
    void issue_withMissingCa_isOneSentence() {
        CliRun r = CliRun.of("pki", "issue", "--ca", dir.resolve("nope").toString(), "--cn", "x", dir.resolve("o").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("cairn: "), r.err());
        assertTrue(r.err().contains("nope"), r.err());
        assertFalse(r.hasStackTrace(), r.toString());
    }

    @Test
    void issue_withLeafCertificateAsCa_isRefused() throws Exception {
        Path ca = dir.resolve("ca");
        assertEquals(0, CliRun.of("pki", "init-ca", ca.toString()).exitCode());
        Path leaf = dir.resolve("leaf");
        assertEquals(0, CliRun.of("pki", "issue", "--ca", ca.toString(), "--cn", "leaf", leaf.toString()).exitCode());
        Files.move(leaf.resolve("leaf.pem"), leaf.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(leaf.resolve("leaf.key"), leaf.resolve("ca.key"));
        CliRun r = CliRun.of("pki", "issue", "--ca", leaf.toString(), "--cn", "x", dir.resolve("o").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("not a CA certificate"), r.err());
    }

    @Test
    void revoke_byAgentIdSerialOrFile_writesACrlThatOpensslReads_andSaysWhatItDid() throws Exception {
        // the appliance's CA directory, as the appliance creates it, with two agents enrolled
        Path pki = dir.resolve("pki");
        var ca = dev.cairn.appliance.pki.AgentCa.openOrCreate(pki, java.time.Clock.systemUTC());
        var keys = dev.cairn.storeapi.pki.KeyAlgorithm.EC_P256.generate();
        var a = ca.issueAgent(dev.cairn.storeapi.pki.Csr.create(keys, "vm-a"), "vm-a", "vm-a", List.of(),
                Duration.ofHours(1));
        var b = ca.issueAgent(dev.cairn.storeapi.pki.Csr.create(keys, "vm-b"), "vm-b", "vm-b", List.of(),
                Duration.ofHours(1));
        Path bFile = dir.resolve("b.pem");
        dev.cairn.storeapi.pki.Pem.writeCertificates(bFile, b);

        CliRun none = CliRun.of("pki", "revoke", "--ca", pki.toString());
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("--agent-id ID, --serial HEX or --cert FILE"), none.toString());
        CliRun unknown = CliRun.of("pki", "revoke", "--ca", pki.toString(), "--agent-id", "vm-z");
        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("no unexpired certificate was issued to agent vm-z"), unknown.toString());
        assertFalse(unknown.hasStackTrace(), unknown.toString());

        CliRun byId = CliRun.of("pki", "revoke", "--ca", pki.toString(), "--agent-id", "vm-a");
        assertEquals(0, byId.exitCode(), byId.toString());
        assertTrue(byId.out().startsWith("revoked 1 certificate(s) (0 already revoked)"), byId.toString());
        CliRun again = CliRun.of("pki", "revoke", "--ca", pki.toString(), "--cert", bFile.toString(), "--serial",
                a.getSerialNumber().toString(16));
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().startsWith("revoked 1 certificate(s) (1 already revoked)"), again.toString());

        Result crl = openssl("crl", "-in", pki.resolve("crl.pem").toString(), "-CAfile",
                pki.resolve("ca.pem").toString(), "-noout", "-text");
        assertEquals(0, crl.exit(), crl.output());
        assertTrue(crl.output().contains("verify OK"), crl.output());
        for (var c : List.of(a, b)) {
            assertTrue(crl.output().toUpperCase().contains(c.getSerialNumber().toString(16).toUpperCase()),
                    c.getSerialNumber().toString(16) + " not in\n" + crl.output());
        }
    }
}
