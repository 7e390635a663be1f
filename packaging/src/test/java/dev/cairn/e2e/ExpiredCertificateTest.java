package dev.cairn.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.pki.AgentCertificates;
import dev.cairn.appliance.ApplianceMain;
import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.config.ConfigLoader;
import dev.cairn.storeapi.pki.Pem;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that was off longer than its certificate lived (here 4 s, from the appliance's config): at its next start
 * the kept certificate is expired, so it enrolls again with its token and gets a valid one. In process, on
 * 127.0.0.1, against the real appliance code.
 */
class ExpiredCertificateTest {
    @TempDir
    Path tmp;

    @Test
    void agentStartedAfterItsCertificateExpired_enrollsAgain() throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), "expired-test-token\n");
        ApplianceConfig c = ConfigLoader.load(null, tmp.resolve("appliance"), "127.0.0.1:0", "127.0.0.1:0",
                "127.0.0.1:0");
        c = c.withPki(new ApplianceConfig.Pki(null, tokens, Duration.ofSeconds(4)))
                .withCompact(new ApplianceConfig.Compact(false, null, Duration.ofMinutes(5), Duration.ZERO,
                        Duration.ZERO, Duration.ZERO));
        try (ApplianceMain app = ApplianceMain.start(c)) {
            AgentConfig d = AgentConfig.defaults();
            AgentConfig agent = d.withDataDir(tmp.resolve("agent"))
                    .withAppliance(new AgentConfig.ApplianceConfig(
                            URI.create("https://127.0.0.1:" + app.agentsPort() + "/api/v1/write"), false, null))
                    .withPki(new AgentConfig.PkiConfig(null, "vm-off", tmp.resolve("appliance/pki/ca.pem"), "", "",
                            tokens));
            X509Certificate first;
            try (AgentCertificates certs = AgentCertificates.start(agent, Clock.systemUTC())) {
                first = Pem.readCertificates(certs.tlsFiles().certFile()).get(0);
                assertEquals("vm-off", certs.agentId());
            } // stopped: no renewal while "off"
            Thread.sleep(Math.max(0, first.getNotAfter().getTime() - System.currentTimeMillis()) + 1000);
            assertTrue(Instant.now().isAfter(first.getNotAfter().toInstant()));

            try (AgentCertificates certs = AgentCertificates.start(agent, Clock.systemUTC())) {
                X509Certificate second = Pem.readCertificates(certs.tlsFiles().certFile()).get(0);
                assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
                assertTrue(second.getNotAfter().toInstant().isAfter(Instant.now()), "a valid certificate again");
                assertEquals(first.getPublicKey(), second.getPublicKey(), "the key on disk is kept");
                assertEquals("vm-off", certs.agentId());
            }
        }
    }
}
