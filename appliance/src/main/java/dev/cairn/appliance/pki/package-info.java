/**
 * The appliance's certificate authority for its agents (see docs/agent-protocol.md): the CA in
 * {@code <data_dir>/pki/} (created on first start), the agents' port's server certificate, enrollment with bootstrap
 * tokens, renewal, the CA download and the revocation list that the agents' port enforces on every request. The
 * mechanics (keys, CSRs, signing, PEM) are storeapi's {@code dev.cairn.storeapi.pki}; this package holds the policy:
 * who gets which certificate, for how long, and who is refused.
 *
 * <p>Files in the directory: {@code ca.pem}, {@code ca.key} (0600; the same names as {@code cairn pki init-ca}, so
 * {@code cairn pki issue --ca <dir>} works on it), {@code server.pem}/{@code server.key} (the agents' port),
 * {@code issued.log} (one JSON line per issued agent certificate: serial, agent id, expiry), {@code crl.pem}
 * (the revocation list, signed by the CA) and {@code .lock} (serialises writers of the CRL across processes).
 */
package dev.cairn.appliance.pki;
