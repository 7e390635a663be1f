package dev.cairn.appliance.query;

/**
 * How to reach a static endpoint over TLS (PEM file paths; null where unset). Carried with the
 * endpoint's configuration for the transport that dials it; the query layer itself does not use it.
 */
public record TlsSettings(boolean enabled, String caFile, String certFile, String keyFile, String serverName,
                          boolean insecureSkipVerify) {
    public static final TlsSettings PLAINTEXT = new TlsSettings(false, null, null, null, null, false);
}
