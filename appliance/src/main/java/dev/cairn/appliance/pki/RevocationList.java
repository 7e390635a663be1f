package dev.cairn.appliance.pki;

import dev.cairn.storeapi.pki.PkiException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The CA's certificate revocation list ({@code crl.pem}, an X.509 v2 CRL signed by the CA, as OpenSSL reads it): the
 * one place revocations live. {@link #revoke} (the {@code cairn pki revoke} command, possibly in another process
 * than the running appliance) adds serials and re-signs it under a file lock; the appliance re-reads the file when
 * it changed (checked at most once a second) and refuses revoked certificates on every request of its agents'
 * port. The list is re-signed when it has less than half its 7-day validity left, so relying parties that check
 * {@code nextUpdate} keep accepting it. Thread-safe.
 */
public final class RevocationList {
    static final String FILE = "crl.pem";
    private static final String LOCK = ".lock";
    private static final Duration VALIDITY = Duration.ofDays(7);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final AgentCa ca;
    private final Clock clock;
    private final Path file;
    private volatile Set<BigInteger> revoked = Set.of();
    private volatile String pem = "";
    private long nextCheck;

    private RevocationList(AgentCa ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
        this.file = ca.dir().resolve(FILE);
    }

    /** The CA's list, written now (empty) when there is none yet. */
    public static RevocationList open(AgentCa ca, Clock clock) throws IOException, PkiException {
        RevocationList l = new RevocationList(ca, clock);
        l.update(Map.of(), false);
        l.reload();
        return l;
    }

    /** Whether the certificate with this serial is revoked (as of the last reload; at most a second old). */
    public boolean isRevoked(BigInteger serial) {
        refresh();
        return revoked.contains(serial);
    }

    /** The signed list as PEM ({@code -----BEGIN X509 CRL-----}), re-signed first when it is getting old. */
    public String pem() throws IOException, PkiException {
        refresh();
        if (needsResign(pem)) {
            update(Map.of(), false);
            reload();
        }
        return pem;
    }

    /**
     * Revokes certificates by serial, re-signing the list. Safe to run beside a running appliance (file lock,
     * atomic rename); the appliance refuses them within a second.
     *
     * @return how many of the serials were not revoked before
     */
    public static int revoke(Path pkiDir, Set<BigInteger> serials, Clock clock) throws IOException, PkiException {
        AgentCa ca = AgentCa.openExisting(pkiDir, clock);
        Map<BigInteger, Instant> add = new LinkedHashMap<>();
        for (BigInteger s : serials) {
            add.put(s, clock.instant());
        }
        return new RevocationList(ca, clock).update(add, true);
    }

    /** Serials (hex) of the unexpired certificates issued to {@code agentId}, from the CA's issued.log. */
    public static java.util.List<String> serialsOf(Path pkiDir, String agentId, Clock clock) throws IOException {
        return AgentCa.issuedTo(pkiDir, agentId, clock.instant());
    }

    private void refresh() {
        long now = System.nanoTime();
        synchronized (this) {
            if (now - nextCheck < 0) {
                return;
            }
            nextCheck = now + CHECK_EVERY_NANOS;
        }
        try {
            reload();
        } catch (IOException | PkiException e) {
            System.getLogger(RevocationList.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot read the revocation list " + file + "; still refusing the certificates of the last good"
                            + " one: " + e.getMessage());
        }
    }

    private synchronized void reload() throws IOException, PkiException {
        String text = Files.readString(file, StandardCharsets.US_ASCII); // a few KiB, once a second at most
        if (text.equals(pem)) {
            return;
        }
        X509CRL crl = parse(text, file.toString());
        verify(crl);
        java.util.Set<BigInteger> serials = new java.util.HashSet<>();
        if (crl.getRevokedCertificates() != null) {
            for (X509CRLEntry e : crl.getRevokedCertificates()) {
                serials.add(e.getSerialNumber());
            }
        }
        revoked = Set.copyOf(serials);
        pem = text;
    }

    private void verify(X509CRL crl) throws PkiException {
        try {
            crl.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new PkiException(file + " is not signed by the CA in " + ca.dir() + ": " + e.getMessage(), e);
        }
    }

    private boolean needsResign(String text) {
        try {
            X509CRL crl = parse(text, file.toString());
            Instant next = crl.getNextUpdate().toInstant();
            return Duration.between(clock.instant(), next).compareTo(VALIDITY.dividedBy(2)) < 0;
        } catch (PkiException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Under the lock: reads the current list, adds {@code add}, and writes a newly signed one when something was
     * added, when {@code force}, or when there is none or it is getting old.
     */
    private int update(Map<BigInteger, Instant> add, boolean force) throws IOException, PkiException {
        synchronized (RevocationList.class) { // FileLock is per process; this orders the threads of one
            try (FileChannel lockFile = FileChannel.open(ca.dir().resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                Map<BigInteger, Instant> entries = new LinkedHashMap<>();
                long number = 0;
                String old = Files.exists(file) ? Files.readString(file, StandardCharsets.US_ASCII) : null;
                if (old != null) {
                    X509CRL crl = parse(old, file.toString());
                    verify(crl);
                    if (crl.getRevokedCertificates() != null) {
                        for (X509CRLEntry e : crl.getRevokedCertificates()) {
                            entries.put(e.getSerialNumber(), e.getRevocationDate().toInstant());
                        }
                    }
                    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
                    if (ext != null) {
                        number = CRLNumber.getInstance(
                                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getCRLNumber()
                                .longValueExact();
                    }
                }
                int added = 0;
                for (Map.Entry<BigInteger, Instant> e : add.entrySet()) {
                    if (entries.putIfAbsent(e.getKey(), e.getValue()) == null) {
                        added++;
                    }
                }
                if (old != null && added == 0 && !force && !needsResign(old)) {
                    return 0;
                }
                write(sign(entries, number + 1));
                return added;
            }
        }
    }

    private X509CRL sign(Map<BigInteger, Instant> entries, long number) throws PkiException {
        Instant now = clock.instant();
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), Date.from(now));
            b.setNextUpdate(Date.from(now.plus(VALIDITY)));
            for (Map.Entry<BigInteger, Instant> e : entries.entrySet()) {
                b.addCRLEntry(e.getKey(), Date.from(e.getValue()), CRLReason.unspecified);
            }
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            String alg = ca.authority().privateKey().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            X509CRLHolder holder = b.build(new JcaContentSignerBuilder(alg).build(ca.authority().privateKey()));
            return new JcaX509CRLConverter().getCRL(holder);
        } catch (OperatorCreationException | GeneralSecurityException | IOException e) {
            throw new PkiException("cannot sign the revocation list with the CA key in " + ca.dir() + ": "
                    + e.getMessage(), e);
        }
    }

    private void write(X509CRL crl) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(crl);
        }
        Path tmp = file.resolveSibling("." + FILE + ".tmp");
        Files.writeString(tmp, out.toString(), StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static X509CRL parse(String text, String where) throws PkiException {
        try (Reader r = new java.io.StringReader(text); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o instanceof X509CRLHolder h) {
                return new JcaX509CRLConverter().getCRL(h);
            }
            throw new PkiException(where + " holds no PEM X509 CRL block");
        } catch (IOException | java.security.cert.CRLException e) {
            throw new PkiException(where + " is not a readable revocation list: " + e.getMessage(), e);
        }
    }
}
