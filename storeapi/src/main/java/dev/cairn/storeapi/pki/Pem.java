package dev.cairn.storeapi.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * PEM files as OpenSSL, Prometheus and Netty read them: certificates ("CERTIFICATE", a chain is
 * several in a row), private keys as unencrypted PKCS#8 ("PRIVATE KEY"; "EC PRIVATE KEY" and "RSA
 * PRIVATE KEY" are read too), requests ("CERTIFICATE REQUEST"). Writes go to a temporary file
 * that is fsynced and renamed into place, so a crash leaves the old file or the new one; private
 * keys are created owner-only (0600) before a byte is written.
 */
public final class Pem {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    private Pem() {
    }

    public static String toPem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                if (o instanceof PrivateKey k) {
                    w.writeObject(new JcaPKCS8Generator(k, null)); // PKCS#8, what Netty and Go expect
                } else {
                    w.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory", e);
        }
        return out.toString();
    }

    /** Writes certificates (leaf first, then issuers) world-readable. */
    public static void writeCertificates(Path file, X509Certificate... chain) throws IOException {
        write(file, toPem((Object[]) chain), PUBLIC);
    }

    /** Writes a private key readable by its owner only. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        write(file, toPem(key), OWNER_ONLY);
    }

    public static void writeCsr(Path file, PKCS10CertificationRequest csr) throws IOException {
        write(file, toPem(csr), PUBLIC);
    }

    private static void write(Path file, String pem, Set<PosixFilePermission> perms) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(perms));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp + ": another writer is writing " + file, e);
        }
        try (var ch = Files.newByteChannel(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII)));
        }
        try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every certificate in the file, in file order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, PkiException {
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : readAll(file)) {
            if (o instanceof X509CertificateHolder h) {
                try {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                } catch (CertificateException e) {
                    throw new PkiException(file + ": certificate " + out.size() + " cannot be decoded: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new PkiException(file + " holds no PEM CERTIFICATE block");
        }
        return out;
    }

    /** The first private key in the file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, PkiException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        for (Object o : readAll(file)) {
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
        }
        throw new PkiException(file + " holds no unencrypted PEM private key (PRIVATE KEY, EC PRIVATE KEY or "
                + "RSA PRIVATE KEY); encrypted keys are not supported");
    }

    public static PKCS10CertificationRequest readCsr(Path file) throws IOException, PkiException {
        for (Object o : readAll(file)) {
            if (o instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
        }
        throw new PkiException(file + " holds no PEM CERTIFICATE REQUEST block");
    }

    private static List<Object> readAll(Path file) throws IOException, PkiException {
        List<Object> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (int i = 0; i < 1000; i++) { // bounded: a PEM file with more blocks than this is not ours
                Object o;
                try {
                    o = p.readObject();
                } catch (IOException e) {
                    throw new PkiException(file + ": PEM block " + (i + 1) + " is damaged: " + e.getMessage(), e);
                }
                if (o == null) {
                    break;
                }
                out.add(o);
            }
        }
        return out;
    }
}
