package dev.cairn.storeapi.tls;

import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Builds Netty {@link SslContext}s from {@link TlsFiles}. Uses the JDK's TLS provider (no native
 * library to ship). Protocols are limited to TLS 1.3 and 1.2; older ones have known weaknesses and
 * every Prometheus and Go client speaks 1.2 or newer.
 */
public final class TlsContexts {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /**
     * A server context that requires every client to present a certificate chaining to
     * {@code files.trustedCa()}: no certificate, a foreign or an expired one fails the handshake.
     */
    public static SslContext mutualTlsServer(TlsFiles files) throws IOException, PkiException {
        Loaded l = load(files);
        try {
            return SslContextBuilder.forServer(l.key, l.chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(l.trusted)
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (SSLException e) {
            throw new PkiException("cannot build a TLS server from " + files + ": " + e.getMessage(), e);
        }
    }

    /**
     * A server context that asks for a client certificate but lets clients without one in (the appliance's
     * agents' port: enrollment comes before any certificate). A certificate that is presented must chain to
     * {@code files.trustedCa()} and be valid now, or the handshake fails; which paths need one is the
     * application's decision.
     */
    public static SslContext optionalClientAuthServer(TlsFiles files) throws IOException, PkiException {
        Loaded l = load(files);
        try {
            return SslContextBuilder.forServer(l.key, l.chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(l.trusted)
                    .clientAuth(ClientAuth.OPTIONAL)
                    .build();
        } catch (SSLException e) {
            throw new PkiException("cannot build a TLS server from " + files + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client context presenting {@code files.certificate()} and trusting only
     * {@code files.trustedCa()}. Check the server's name with {@link #clientHandler}.
     */
    public static SslContext client(TlsFiles files) throws IOException, PkiException {
        Loaded l = load(files);
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .keyManager(l.key, l.chain)
                    .trustManager(l.trusted)
                    .build();
        } catch (SSLException e) {
            throw new PkiException("cannot build a TLS client from " + files + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client-side handler that also checks the server certificate's names against {@code host}
     * (HTTPS rules: DNS or IP subject alternative names), which Netty does not do by default.
     */
    public static SslHandler clientHandler(SslContext ctx, ByteBufAllocator alloc, String host, int port) {
        SslHandler h = ctx.newHandler(alloc, host, port);
        SSLEngine engine = h.engine();
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        return h;
    }

    private record Loaded(PrivateKey key, X509Certificate[] chain, X509Certificate[] trusted) {
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) throws PkiException {
        String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] probe = "cairn key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            java.security.Signature v = java.security.Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (java.security.GeneralSecurityException e) {
            throw new PkiException("cannot check that the private key matches " + cert.getSubjectX500Principal()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that the certificate and key files can be read and belong together, without a CA:
     * for a server that asks for no client certificate.
     */
    public static void checkKeyPair(Path certificate, Path privateKey) throws IOException, PkiException {
        keyPair(certificate, privateKey);
    }

    private static Loaded load(TlsFiles files) throws IOException, PkiException {
        Loaded pair = keyPair(files.certificate(), files.privateKey());
        List<X509Certificate> trusted = Pem.readCertificates(files.trustedCa());
        return new Loaded(pair.key, pair.chain, trusted.toArray(new X509Certificate[0]));
    }

    private static Loaded keyPair(Path certificate, Path privateKey) throws IOException, PkiException {
        TlsFiles files = new TlsFiles(certificate, privateKey, null); // for the messages below
        List<X509Certificate> chain = Pem.readCertificates(files.certificate());
        PrivateKey key = Pem.readPrivateKey(files.privateKey());
        if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new PkiException(files.privateKey() + " holds a " + key.getAlgorithm() + " key but "
                    + files.certificate() + " is for a " + chain.get(0).getPublicKey().getAlgorithm() + " key");
        }
        if (!matches(key, chain.get(0))) {
            // caught here, a renewal that wrote the certificate but not yet the key is one clear
            // message instead of handshakes failing with "bad certificate" on the peer
            throw new PkiException(files.privateKey() + " is not the key of the certificate in "
                    + files.certificate() + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
        return new Loaded(key, chain.toArray(new X509Certificate[0]), null);
    }
}
