/**
 * Certificate mechanics on BouncyCastle, without policy: key pairs, a self-signed CA, PKCS#10
 * requests, leaf certificates with DNS/IP subject alternative names and client/server extended
 * key usages, PEM files (private keys owner-only), chain and expiry checks. Who may get which
 * certificate for how long is decided by the appliance's CA ({@code dev.cairn.appliance.ca}).
 */
package dev.cairn.storeapi.pki;
