package dev.cairn.appliance.pki;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.CertificateChecks;
import dev.cairn.storeapi.pki.Csr;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.pki.Usage;
import dev.cairn.storeapi.tls.TlsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The appliance's CA directory and its issuing policy: agent leaves (CN = agent id, SANs = host name and given IP
 * addresses, clientAuth + serverAuth, the configured lifetime, never past the CA's own end) and the agents' port's
 * server certificate. Every agent certificate issued is recorded in {@code issued.log} so an operator can revoke
 * by agent id. Thread-safe.
 */
public final class AgentCa {
    static final String CA_CERT = "ca.pem";
    static final String CA_KEY = "ca.key";
    static final String SERVER_CERT = "server.pem";
    static final String SERVER_KEY = "server.key";
    static final String ISSUED_LOG = "issued.log";
    static final String CLIENT_CA = "client-ca.pem";
    /** The CA's validity: long, because replacing it means re-enrolling every agent. */
    static final Duration CA_LIFETIME = Duration.ofDays(3652);
    static final Duration SERVER_LIFETIME = Duration.ofDays(365);
    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}");
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9-]{1,63})*\\.?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final CertificateAuthority ca;
    private final Clock clock;

    private AgentCa(Path dir, CertificateAuthority ca, Clock clock) {
        this.dir = dir;
        this.ca = ca;
        this.clock = clock;
    }

    /**
     * Loads the CA in {@code dir}, or creates it (ECDSA P-256, ten years) when the directory holds none.
     *
     * @throws PkiException when only half of it is there, or the key is not the certificate's
     */
    public static AgentCa openOrCreate(Path dir, Clock clock) throws IOException, PkiException {
        Files.createDirectories(dir);
        Path cert = dir.resolve(CA_CERT);
        Path key = dir.resolve(CA_KEY);
        boolean hasCert = Files.exists(cert);
        boolean hasKey = Files.exists(key);
        if (hasCert != hasKey) {
            throw new PkiException("the CA in " + dir + " is incomplete: " + (hasCert ? key : cert) + " is missing;"
                    + " restore it from backup, or move the directory away to create a new CA (every agent must then"
                    + " enroll again)");
        }
        CertificateAuthority ca;
        if (hasCert) {
            ca = CertificateAuthority.load(cert, key);
        } else {
            Instant now = clock.instant();
            String host = Hosts.localName();
            ca = CertificateAuthority.create("Cairn appliance CA " + host, now.minus(Duration.ofMinutes(5)),
                    now.plus(CA_LIFETIME));
            ca.save(cert, key);
            System.getLogger(AgentCa.class.getName()).log(System.Logger.Level.INFO,
                    "created the agents'' certificate authority in {0} (valid until {1})", dir,
                    ca.certificate().getNotAfter().toInstant());
        }
        return new AgentCa(dir, ca, clock);
    }

    /** Loads the CA in {@code dir}; fails when there is none (tools that must not create one). */
    public static AgentCa openExisting(Path dir, Clock clock) throws IOException, PkiException {
        if (!Files.exists(dir.resolve(CA_CERT))) {
            throw new PkiException(dir + " holds no CA (" + CA_CERT + "); point at the appliance's pki directory,"
                    + " <data_dir>/pki (/var/lib/cairn/appliance/pki when installed)");
        }
        return new AgentCa(dir, CertificateAuthority.load(dir.resolve(CA_CERT), dir.resolve(CA_KEY)), clock);
    }

    public X509Certificate certificate() {
        return ca.certificate();
    }

    public Path dir() {
        return dir;
    }

    public Path certificateFile() {
        return dir.resolve(CA_CERT);
    }

    CertificateAuthority authority() {
        return ca;
    }

    /** The PEM of the CA certificate, as served at {@code GET /api/v1/agents/ca}. */
    public String certificatePem() {
        return Pem.toPem(ca.certificate());
    }

    /** Whether an agent id may become a certificate's CN (a host name or similar; no spaces, commas or slashes). */
    static boolean validAgentId(String id) {
        return id != null && AGENT_ID.matcher(id).matches();
    }

    /**
     * Issues an agent certificate for the key in {@code csr} (its self-signature checked) and records it.
     *
     * @param hostname    DNS SAN (an IP literal becomes an IP SAN); may be empty
     * @param ipAddresses IP SANs
     * @throws PkiException when the request's signature is bad or a name is not acceptable
     */
    public X509Certificate issueAgent(PKCS10CertificationRequest csr, String agentId, String hostname,
                                      Collection<String> ipAddresses, Duration lifetime) throws PkiException, IOException {
        if (!validAgentId(agentId)) {
            throw new PkiException("agent_id \"" + agentId + "\" is not usable as a certificate name: use the host's"
                    + " name (letters, digits, '.', '-', '_', '@', ':'; at most 253 characters)");
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        if (hostname != null && !hostname.isEmpty()) {
            if (Hosts.isIpLiteral(hostname)) {
                ips.add(hostname);
            } else if (DNS_NAME.matcher(hostname).matches() && hostname.length() <= 253) {
                dns.add(hostname);
            } else {
                throw new PkiException("hostname \"" + hostname + "\" is not a DNS name");
            }
        }
        for (String ip : ipAddresses) {
            if (!Hosts.isIpLiteral(ip)) {
                throw new PkiException("\"" + ip + "\" in ip_addresses is not an IP address literal");
            }
            if (!ips.contains(ip)) {
                ips.add(ip);
            }
        }
        Instant now = clock.instant();
        // a little back-dating absorbs clock skew between agent and appliance, kept small against the lifetime so
        // a short (test) lifetime still renews at two thirds of what the operator asked for
        Instant from = now.minus(min(Duration.ofMinutes(5), lifetime.dividedBy(10)));
        Instant to = now.plus(lifetime);
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (to.isAfter(caEnd)) {
            to = caEnd;
        }
        X509Certificate leaf = ca.issue(Csr.verifiedPublicKey(csr),
                new LeafSpec(agentId, dns, ips, Set.of(Usage.CLIENT, Usage.SERVER), from, to));
        record(leaf, agentId);
        return leaf;
    }

    /**
     * Renews {@code current} (the caller's certificate, already verified): same CN and names, the key in
     * {@code csr}, the configured lifetime.
     */
    public X509Certificate renew(X509Certificate current, PKCS10CertificationRequest csr, Duration lifetime)
            throws PkiException, IOException {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        try {
            if (current.getSubjectAlternativeNames() != null) {
                for (List<?> san : current.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        dns.add((String) san.get(1));
                    } else if (type == 7) {
                        ips.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new PkiException("the certificate being renewed has unreadable names: " + e.getMessage(), e);
        }
        List<String> hostAndIps = new ArrayList<>(ips);
        String host = dns.isEmpty() ? "" : dns.get(0);
        return issueAgent(csr, Hosts.commonName(current), host, hostAndIps, lifetime);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Appends {@code {"serial","agent_id","not_after"}} to issued.log (fsynced: revocation by id relies on it). */
    private synchronized void record(X509Certificate leaf, String agentId) throws IOException {
        Map<String, String> line = new LinkedHashMap<>();
        line.put("serial", leaf.getSerialNumber().toString(16));
        line.put("agent_id", agentId);
        line.put("not_after", leaf.getNotAfter().toInstant().toString());
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve(ISSUED_LOG), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(false);
        }
    }

    /** Serials (hex) of the certificates issued to {@code agentId} that have not expired at {@code now}. */
    static List<String> issuedTo(Path dir, String agentId, Instant now) throws IOException {
        Path log = dir.resolve(ISSUED_LOG);
        List<String> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            var node = JSON.readTree(line);
            if (agentId.equals(node.path("agent_id").asText())
                    && Instant.parse(node.path("not_after").asText()).isAfter(now)) {
                out.add(node.path("serial").asText());
            }
        }
        return out;
    }

    /**
     * The agents' port's server certificate and key, issued now unless the ones on disk are from this CA, name
     * every one of {@code names} and have more than a third of their life left.
     */
    public TlsFiles serverFiles(List<String> names) throws IOException, PkiException {
        Path cert = dir.resolve(SERVER_CERT);
        Path key = dir.resolve(SERVER_KEY);
        TlsFiles files = new TlsFiles(cert, key, dir.resolve(CA_CERT));
        if (Files.exists(cert) && Files.exists(key) && usable(cert, names)) {
            return files;
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String n : names) {
            (Hosts.isIpLiteral(n) ? ips : dns).add(n);
        }
        Instant now = clock.instant();
        Instant to = now.plus(SERVER_LIFETIME);
        if (to.isAfter(ca.certificate().getNotAfter().toInstant())) {
            to = ca.certificate().getNotAfter().toInstant();
        }
        KeyPair keys = KeyAlgorithm.EC_P256.generate();
        X509Certificate leaf = ca.issue(keys.getPublic(), new LeafSpec(names.get(0), dns, ips, Set.of(Usage.SERVER),
                now.minus(Duration.ofMinutes(5)), to));
        Pem.writePrivateKey(key, keys.getPrivate());
        Pem.writeCertificates(cert, leaf);
        return files;
    }

    /**
     * Writes {@code client-ca.pem}: this CA's certificate followed by every certificate in {@code extra}, the CAs the
     * agents' port accepts client certificates from. Rewritten at every start, so it follows the extra file then.
     */
    Path clientTrust(Path extra) throws IOException, PkiException {
        List<X509Certificate> all = new ArrayList<>();
        all.add(ca.certificate());
        all.addAll(Pem.readCertificates(extra));
        Path out = dir.resolve(CLIENT_CA);
        Pem.writeCertificates(out, all.toArray(new X509Certificate[0]));
        return out;
    }

    private boolean usable(Path certFile, List<String> names) throws IOException {
        try {
            X509Certificate c = Pem.readCertificates(certFile).get(0);
            CertificateChecks.verifyChain(List.of(c), ca.certificate(), clock.instant());
            if (CertificateChecks.needsRenewal(c, clock.instant(), 1.0 / 3)) {
                return false;
            }
            Set<String> have = new HashSet<>();
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    have.add(String.valueOf(san.get(1)));
                }
            }
            for (String n : names) {
                if (!have.contains(Hosts.isIpLiteral(n) ? Hosts.normalIp(n) : n)) {
                    return false;
                }
            }
            return true;
        } catch (PkiException | CertificateParsingException e) {
            return false; // another CA's, damaged or expired: issue a new one
        }
    }
}
