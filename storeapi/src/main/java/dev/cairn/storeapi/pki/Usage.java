package dev.cairn.storeapi.pki;

/** What a leaf certificate may be used for: the extended key usages a TLS peer checks. */
public enum Usage {
    /** TLS server authentication (id-kp-serverAuth). */
    SERVER,
    /** TLS client authentication (id-kp-clientAuth): an agent proving who it is to the appliance. */
    CLIENT
}
