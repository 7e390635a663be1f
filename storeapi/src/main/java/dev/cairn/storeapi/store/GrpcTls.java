package dev.cairn.storeapi.store;

import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.PkiException;
import dev.cairn.storeapi.tls.TlsContexts;
import dev.cairn.storeapi.tls.TlsFiles;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Netty {@link SslContext}s for gRPC from the same PEM files and rules as
 * {@link TlsContexts} (JDK provider, TLS 1.3/1.2, client certificates required and chained to our
 * CA), plus the ALPN "h2" that gRPC's Netty transport insists on. The files are first checked by
 * {@link TlsContexts}, so a key that is not the certificate's fails here with its message.
 * grpc-netty checks the server's name against its certificate's subject alternative names.
 */
public final class GrpcTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private GrpcTls() {
    }

    /**
     * A server context requiring client certificates issued by {@code files.trustedCa()}; when
     * that is null, TLS without client certificates (the server is authenticated, clients are not).
     */
    public static SslContext server(TlsFiles files) throws IOException, PkiException {
        if (files.trustedCa() != null) {
            TlsContexts.mutualTlsServer(files);
        } else {
            TlsContexts.checkKeyPair(files.certificate(), files.privateKey());
        }
        try {
            SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(key(files), chain(files)),
                    SslProvider.JDK).protocols(PROTOCOLS);
            if (files.trustedCa() != null) {
                b.trustManager(trusted(files)).clientAuth(ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (SSLException e) {
            throw new PkiException("cannot build a gRPC TLS server from " + files + ": " + e.getMessage(), e);
        }
    }

    /** A client context presenting {@code files.certificate()} (if any) and trusting only {@code files.trustedCa()}. */
    public static SslContext client(TlsFiles files) throws IOException, PkiException {
        try {
            SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(trusted(files));
            if (files.certificate() != null) {
                TlsContexts.client(files);
                b.keyManager(key(files), chain(files));
            }
            return b.build();
        } catch (SSLException e) {
            throw new PkiException("cannot build a gRPC TLS client from " + files + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(TlsFiles f) throws IOException, PkiException {
        return Pem.readPrivateKey(f.privateKey());
    }

    private static X509Certificate[] chain(TlsFiles f) throws IOException, PkiException {
        return Pem.readCertificates(f.certificate()).toArray(new X509Certificate[0]);
    }

    private static X509Certificate[] trusted(TlsFiles f) throws IOException, PkiException {
        return Pem.readCertificates(f.trustedCa()).toArray(new X509Certificate[0]);
    }
}
