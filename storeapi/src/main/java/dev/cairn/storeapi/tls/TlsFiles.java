package dev.cairn.storeapi.tls;

import java.nio.file.Path;

/**
 * The three PEM files one side of a mutual-TLS connection needs.
 *
 * @param certificate own certificate, leaf first, then any intermediates
 * @param privateKey the leaf's private key (unencrypted PKCS#8 or traditional EC/RSA)
 * @param trustedCa the CA certificate(s) peers' certificates must chain to; for a gRPC server
 *                  ({@code GrpcTls.server}) null means clients present no certificate
 */
public record TlsFiles(Path certificate, Path privateKey, Path trustedCa) {
}
