package dev.cairn.appliance.pki;

import dev.cairn.appliance.config.ApplianceConfig;
import dev.cairn.appliance.web.Routes;
import dev.cairn.appliance.web.TlsPort;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.tls.ReloadingSslContext;
import dev.cairn.storeapi.tls.TlsContexts;
import dev.cairn.storeapi.tls.TlsFiles;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the agents' port needs from the CA, built once at start: the CA (created on first start), the port's
 * server certificate, the revocation list, the enrollment endpoints to register, and the {@link TlsPort} that ties
 * them to the port. The server context follows its files ({@link ReloadingSslContext}, looked at no more than every
 * five seconds), so a server certificate re-issued by a later start or by an operator is used by new connections.
 */
public final class AgentPki {
    private static final long RELOAD_CHECK_NANOS = 5_000_000_000L;

    private final AgentCa ca;
    private final RevocationList crl;
    private final AgentEndpoints endpoints;
    private final ReloadingSslContext server;
    private final AgentVerifier verifier;
    private SslContext current;
    private long nextCheck;

    private AgentPki(AgentCa ca, RevocationList crl, AgentEndpoints endpoints, ReloadingSslContext server,
                     AgentVerifier verifier) {
        this.ca = ca;
        this.crl = crl;
        this.endpoints = endpoints;
        this.server = server;
        this.verifier = verifier;
        this.current = server.current();
        this.nextCheck = System.nanoTime() + RELOAD_CHECK_NANOS;
    }

    /** Opens (or creates) the CA in {@link ApplianceConfig#pkiDir()} and everything built on it. */
    public static AgentPki open(ApplianceConfig c, Clock clock) throws IOException {
        Path dir = c.pkiDir();
        try {
            AgentCa ca = AgentCa.openOrCreate(dir, clock);
            RevocationList crl = RevocationList.open(ca, clock);
            TlsFiles files = ca.serverFiles(serverNames(c.agents().serverNames()));
            if (c.agents().clientCaFile() != null) {
                files = new TlsFiles(files.certificate(), files.privateKey(),
                        ca.clientTrust(c.agents().clientCaFile()));
            }
            ReloadingSslContext server = new ReloadingSslContext(files, TlsContexts::optionalClientAuthServer);
            AgentEndpoints endpoints = new AgentEndpoints(ca, crl, new EnrollmentTokens(c.pki().enrollmentTokenFile()),
                    c.pki().agentCertificateLifetime());
            return new AgentPki(ca, crl, endpoints, server, new AgentVerifier(crl, ca.certificate()));
        } catch (PkiException e) {
            throw new IOException("the agents' certificate authority in " + dir + " cannot be used: " + e.getMessage(),
                    e);
        }
    }

    /** {@code agents.server_names}, or when empty: this host's name, localhost and 127.0.0.1. */
    static List<String> serverNames(List<String> configured) {
        if (!configured.isEmpty()) {
            return configured;
        }
        List<String> names = new ArrayList<>();
        names.add(Hosts.localName());
        for (String n : List.of("localhost", "127.0.0.1")) {
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names;
    }

    /** Adds enroll, renew, ca and crl to the agents' port's routes. */
    public void register(Routes routes) {
        endpoints.register(routes);
    }

    /** The agents' port's TLS: server context, client verdicts, and the paths open without a certificate. */
    public TlsPort tlsPort() {
        return new TlsPort(this::serverContext, verifier, AgentEndpoints.OPEN_PATHS);
    }

    private synchronized SslContext serverContext() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0) {
            nextCheck = now + RELOAD_CHECK_NANOS;
            current = server.current();
            if (server.lastError() != null) {
                System.getLogger(AgentPki.class.getName()).log(System.Logger.Level.WARNING, server.lastError());
            }
        }
        return current;
    }

    public AgentCa ca() {
        return ca;
    }

    public RevocationList revocations() {
        return crl;
    }
}
