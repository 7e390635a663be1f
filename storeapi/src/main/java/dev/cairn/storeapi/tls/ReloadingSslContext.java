package dev.cairn.storeapi.tls;

import dev.cairn.storeapi.pki.PkiException;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;

/**
 * An {@link SslContext} that follows its PEM files: certificates are renewed on disk (by the
 * agent's enrolment, or an operator) while the process runs, and each new connection should use
 * the newest ones without a restart. {@link #current()} compares the files' content digest with the
 * one the context was built from and rebuilds when they changed; existing connections keep the
 * context they started with.
 *
 * <p>A half-written or mismatched set of files (certificate renewed, key not yet) does not take
 * the endpoint down: the previous context stays in use and {@link #lastError()} says why, so the
 * caller can log it and export it as a metric. Thread-safe; the check reads three small files, so
 * callers on a hot accept path should call it at most every few seconds.
 */
public final class ReloadingSslContext {
    /** Builds a context from the files, e.g. {@code TlsContexts::mutualTlsServer}. */
    @FunctionalInterface
    public interface Factory {
        SslContext build(TlsFiles files) throws IOException, PkiException;
    }

    private final TlsFiles files;
    private final Factory factory;
    private SslContext context;
    private byte[] digest;
    private String lastError;

    /** Builds the first context; fails if the files are not usable now. */
    public ReloadingSslContext(TlsFiles files, Factory factory) throws IOException, PkiException {
        this.files = files;
        this.factory = factory;
        this.digest = digest(files);
        this.context = factory.build(files);
    }

    /** The context for a new connection, rebuilt first if the files changed since the last build. */
    public synchronized SslContext current() {
        byte[] now;
        try {
            now = digest(files);
        } catch (IOException e) {
            lastError = "cannot read TLS files " + files + ": " + e.getMessage() + "; still using the previous ones";
            return context;
        }
        if (!Arrays.equals(now, digest)) {
            try {
                context = factory.build(files);
                digest = now;
                lastError = null;
            } catch (IOException | PkiException | RuntimeException e) {
                lastError = "TLS files " + files + " changed but cannot be used (" + e.getMessage()
                        + "); still using the previous ones";
            }
        }
        return context;
    }

    /**
     * A Netty SslContext for a server built once with a fixed context (gRPC's NettyServerBuilder):
     * every new connection gets an engine from {@link #current()}, checked at most once per
     * {@code checkEvery} (the check reads and hashes the files). Changes and failed reloads are logged.
     */
    public SslContext asSslContext(Duration checkEvery) {
        return new FollowingSslContext(this, checkEvery.toNanos());
    }

    /** The files this context follows. */
    public TlsFiles files() {
        return files;
    }

    /** Why the last reload failed, or null when the files in use are the newest. */
    public synchronized String lastError() {
        return lastError;
    }

    private static byte[] digest(TlsFiles f) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path p : new Path[] {f.certificate(), f.privateKey(), f.trustedCa()}) {
                if (p != null) { // a server that takes no client certificates has no CA file
                    md.update(Files.readAllBytes(p));
                }
                md.update((byte) 0);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
