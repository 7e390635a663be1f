package dev.cairn.agent.pki;

import dev.cairn.agent.config.AgentConfig;
import dev.cairn.agent.config.AgentConfig.TlsConfig;
import dev.cairn.storeapi.pki.CertificateChecks;
import dev.cairn.storeapi.pki.Csr;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The certificate the agent presents to the appliance, and its upkeep.
 *
 * <p><b>Enrolled</b> (an https appliance URL and no {@code appliance.tls}): at start the agent trusts the appliance's
 * CA ({@code appliance.ca_file}, or {@code appliance.ca_sha256} checked against the CA the appliance serves, or the
 * {@code ca.crt} kept from an earlier start), then uses the key and certificate in {@code <pki dir>} if they belong
 * together, chain to that CA, carry the wanted agent id and have not expired; otherwise it enrolls with the bootstrap
 * token: a P-256 key made here (written first, owner-only), a PKCS#10 request, {@code POST /api/v1/agents/enroll}.
 * A background task renews over mutual TLS ({@code POST /api/v1/agents/renew}) once two thirds of the lifetime have
 * passed, keeping the key so that a crash between writes can never leave a certificate without its key; only the
 * certificate file changes, atomically. A certificate that expired anyway (the agent was off too long) is replaced by
 * enrolling again, which needs the token.
 *
 * <p><b>Given</b> ({@code appliance.tls}: e.g. the host's Puppet certificate): the files are used as they are and
 * whoever wrote them renews them.
 *
 * <p>Either way the relay's connection to the appliance re-reads the files when they change, so a renewal needs no
 * restart. Thread-safe.
 */
public final class AgentCertificates implements AutoCloseable {
    static final String KEY = "agent.key";
    static final String CERT = "agent.crt";
    static final String CA = "ca.crt";
    /** Renew when less than this fraction of the lifetime is left: at two thirds of it. */
    static final double RENEW_WHEN_LEFT = 1.0 / 3;
    private static final System.Logger LOG = System.getLogger(AgentCertificates.class.getName());

    private final TlsConfig files;
    private final AgentConfig config;
    private final Clock clock;
    private final ScheduledExecutorService renewer;
    private volatile X509Certificate current;
    private volatile String lastError;

    private AgentCertificates(TlsConfig files, AgentConfig config, Clock clock, X509Certificate current,
                              boolean managed) {
        this.files = files;
        this.config = config;
        this.clock = clock;
        this.current = current;
        this.renewer = managed ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-agent-certificate-renewal");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Makes sure the agent has a usable certificate (enrolling if needed) and starts renewing it.
     *
     * @return null when the appliance URL is not https (no certificate to present)
     * @throws IOException when there is no certificate and none can be had, saying what to configure
     */
    public static AgentCertificates start(AgentConfig c, Clock clock) throws IOException {
        if (c.appliance().tls() != null) {
            TlsConfig t = c.appliance().tls();
            try {
                X509Certificate cert = Pem.readCertificates(t.certFile()).get(0);
                Pem.readPrivateKey(t.keyFile());
                Pem.readCertificates(t.caFile());
                LOG.log(System.Logger.Level.INFO, "using the given certificate {0} ({1}, valid until {2})",
                        t.certFile(), cert.getSubjectX500Principal(), cert.getNotAfter().toInstant());
                return new AgentCertificates(t, c, clock, cert, false);
            } catch (PkiException e) {
                throw new IOException("appliance.tls: " + e.getMessage(), e);
            }
        }
        URI url = c.appliance().url();
        if (url == null || !"https".equals(url.getScheme())) {
            return null;
        }
        Path dir = c.pkiDir();
        createPrivateDir(dir);
        TlsConfig files = new TlsConfig(dir.resolve(CERT), dir.resolve(KEY), dir.resolve(CA));
        try {
            X509Certificate ca = trust(c, base(url), dir);
            AgentCertificates certs = new AgentCertificates(files, c, clock, null, true);
            certs.current = certs.ensure(ca);
            certs.scheduleRenewal();
            return certs;
        } catch (PkiException e) {
            throw new IOException("the agent's certificate in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while enrolling", e);
        }
    }

    /** The PEM files to present to the appliance (they change on renewal; their paths do not). */
    public TlsConfig tlsFiles() {
        return files;
    }

    /** The agent id: the CN of the current certificate (what the appliance knows this agent by). */
    public String agentId() {
        return commonName(current);
    }

    /** When the current certificate expires. */
    public Instant notAfter() {
        return current.getNotAfter().toInstant();
    }

    /** Why the last renewal failed, or null after a success (or before any attempt). */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
            try {
                renewer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code https://host:port} of the appliance URL: enrollment and renewal live beside remote write. */
    static URI base(URI url) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + "/");
    }

    /** The CA to trust, written to ca.crt: from the CA file, from the pin, or as kept from an earlier start. */
    private static X509Certificate trust(AgentConfig c, URI base, Path dir)
            throws IOException, PkiException, InterruptedException {
        Path kept = dir.resolve(CA);
        AgentConfig.PkiConfig p = c.pki();
        if (p.caFile() != null) {
            X509Certificate ca = Pem.readCertificates(p.caFile()).get(0);
            if (!Files.exists(kept) || !Pem.readCertificates(kept).get(0).equals(ca)) {
                Pem.writeCertificates(kept, ca);
            }
            return ca;
        }
        if (!p.caSha256().isEmpty()) {
            if (Files.exists(kept)) {
                X509Certificate ca = Pem.readCertificates(kept).get(0);
                if (ApplianceCa.sha256(ca).equals(p.caSha256())) {
                    return ca;
                }
            }
            X509Certificate ca = ApplianceCa.fetchPinned(base, p.caSha256(), dir.resolve(".ca-download.tmp"));
            Pem.writeCertificates(kept, ca);
            LOG.log(System.Logger.Level.INFO, "fetched the appliance CA {0} from {1}; it matches the pinned SHA-256",
                    ca.getSubjectX500Principal(), base);
            return ca;
        }
        if (Files.exists(kept)) {
            return Pem.readCertificates(kept).get(0);
        }
        throw new PkiException("the agent does not know the appliance's CA yet: set appliance.ca_file to a copy of the"
                + " appliance's pki/ca.pem, or appliance.ca_sha256 to its SHA-256 (openssl x509 -in ca.pem -outform"
                + " DER | sha256sum), or give ready-made PEM files in appliance.tls");
    }

    /** The certificate to use now: the kept one if good, else a new one by enrollment. */
    private X509Certificate ensure(X509Certificate ca) throws IOException, PkiException, InterruptedException {
        Instant now = clock.instant();
        String wanted = agentIdWanted();
        PrivateKey key = Files.exists(files.keyFile()) ? Pem.readPrivateKey(files.keyFile()) : null;
        if (key != null && Files.exists(files.certFile())) {
            X509Certificate cert = Pem.readCertificates(files.certFile()).get(0);
            String problem = problem(cert, key, ca, wanted, now);
            if (problem == null) {
                LOG.log(System.Logger.Level.INFO, "using the enrolled certificate of {0} (valid until {1})",
                        wanted, cert.getNotAfter().toInstant());
                return cert;
            }
            LOG.log(System.Logger.Level.WARNING, "the kept certificate {0} cannot be used ({1}); enrolling again",
                    files.certFile(), problem);
            if (!cert.getPublicKey().equals(publicKeyOf(key, cert))) {
                key = null; // a key that does not fit is not worth keeping
            }
        }
        return enroll(ca, key, wanted);
    }

    /** Why a kept certificate is not usable, or null. */
    private static String problem(X509Certificate cert, PrivateKey key, X509Certificate ca, String wanted, Instant now) {
        if (!commonName(cert).equals(wanted)) {
            return "it is for " + commonName(cert) + ", this agent is " + wanted;
        }
        if (publicKeyOf(key, cert) == null) {
            return "it does not belong to the key " + KEY;
        }
        try {
            CertificateChecks.verifyChain(List.of(cert), ca, now);
        } catch (PkiException e) {
            return e.getMessage();
        }
        return null;
    }

    /** The certificate's public key when {@code key} is its private key, else null (a signature round trip). */
    private static java.security.PublicKey publicKeyOf(PrivateKey key, X509Certificate cert) {
        try {
            String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = "cairn agent key check".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            java.security.Signature v = java.security.Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig) ? cert.getPublicKey() : null;
        } catch (java.security.GeneralSecurityException e) {
            return null;
        }
    }

    private X509Certificate enroll(X509Certificate ca, PrivateKey existingKey, String agentId)
            throws IOException, PkiException, InterruptedException {
        String token = token();
        KeyPair keys;
        if (existingKey != null && Files.exists(files.certFile())) {
            keys = new KeyPair(Pem.readCertificates(files.certFile()).get(0).getPublicKey(), existingKey);
        } else {
            keys = KeyAlgorithm.EC_P256.generate();
            Pem.writePrivateKey(files.keyFile(), keys.getPrivate()); // before anything is issued for it
        }
        EnrollmentClient.Issued issued = new EnrollmentClient(base(config.appliance().url()), ca)
                .enroll(token, Csr.create(keys, agentId), agentId, hostname());
        X509Certificate cert = store(issued, ca);
        LOG.log(System.Logger.Level.INFO, "enrolled as {0} with {1}: certificate valid until {2}", agentId,
                base(config.appliance().url()), cert.getNotAfter().toInstant());
        return cert;
    }

    /** Checks the issued certificate against the CA we trust, then writes it (the key is already on disk). */
    private X509Certificate store(EnrollmentClient.Issued issued, X509Certificate ca) throws IOException, PkiException {
        Path tmp = files.certFile().resolveSibling("." + CERT + ".new");
        Files.writeString(tmp, issued.certificatePem(), StandardCharsets.US_ASCII);
        X509Certificate cert;
        try {
            cert = Pem.readCertificates(tmp).get(0);
        } finally {
            Files.deleteIfExists(tmp);
        }
        CertificateChecks.verifyChain(List.of(cert), ca, clock.instant());
        Pem.writeCertificates(files.certFile(), cert);
        return cert;
    }

    private String token() throws IOException, PkiException {
        AgentConfig.PkiConfig p = config.pki();
        if (!p.enrollmentToken().isEmpty()) {
            return p.enrollmentToken();
        }
        if (p.enrollmentTokenFile() != null) {
            for (String line : Files.readAllLines(p.enrollmentTokenFile(), StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    return t;
                }
            }
            throw new PkiException(p.enrollmentTokenFile() + " holds no token (only blank lines and # comments)");
        }
        throw new PkiException("there is no usable certificate in " + files.certFile().getParent() + " and no"
                + " bootstrap token to enroll with: set appliance.enrollment_token_file (--enrollment-token-file) to a"
                + " file holding a token from the appliance's pki.enrollment_token_file, or give PEM files in"
                + " appliance.tls");
    }

    private String agentIdWanted() {
        return config.pki().agentId().isEmpty() ? hostname() : config.pki().agentId();
    }

    /** This host's fully qualified name (what Puppet and the appliance's UI call it). */
    static String hostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    // ---- renewal ----

    private void scheduleRenewal() {
        Duration life = Duration.between(current.getNotBefore().toInstant(), current.getNotAfter().toInstant());
        // look often enough to renew close to the two-thirds mark: 1/60 of the lifetime, between 1 s and 1 min
        long period = Math.max(1000, Math.min(60_000, life.toMillis() / 60));
        renewer.scheduleWithFixedDelay(this::renewIfDue, period, period, TimeUnit.MILLISECONDS);
    }

    private void renewIfDue() {
        if (!CertificateChecks.needsRenewal(current, clock.instant(), RENEW_WHEN_LEFT)) {
            return;
        }
        try {
            renewNow();
            lastError = null;
        } catch (IOException | PkiException e) {
            lastError = e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "renewing the certificate of {0} (expires {1}) failed, trying again"
                    + " shortly: {2}", agentId(), notAfter(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.log(System.Logger.Level.ERROR, "renewing the certificate of " + agentId() + " failed", e);
        }
    }

    /** Renews now: over mutual TLS while the certificate is valid, by enrolling again once it has expired. */
    void renewNow() throws IOException, PkiException, InterruptedException {
        X509Certificate ca = Pem.readCertificates(files.caFile()).get(0);
        PrivateKey key = Pem.readPrivateKey(files.keyFile());
        X509Certificate cert = current;
        if (!clock.instant().isBefore(cert.getNotAfter().toInstant())) {
            current = enroll(ca, key, agentIdWanted());
            return;
        }
        KeyPair keys = new KeyPair(cert.getPublicKey(), key);
        EnrollmentClient.Issued issued = new EnrollmentClient(base(config.appliance().url()), ca)
                .renew(Csr.create(keys, commonName(cert)), key, cert);
        X509Certificate renewed = store(issued, ca);
        current = renewed;
        LOG.log(System.Logger.Level.INFO, "renewed the certificate of {0}: valid until {1}", commonName(renewed),
                renewed.getNotAfter().toInstant());
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    private static void createPrivateDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile: fine
            }
        }
    }
}
