/**
 * The agent's certificate (docs/agent-protocol.md): enrollment on first start (a P-256 key made here, a PKCS#10
 * request, a bootstrap token), trust of the appliance through a CA file or a SHA-256 pin, the files under
 * {@code <data_dir>/pki} ({@code agent.key} 0600, {@code agent.crt}, {@code ca.crt}), and renewal in the background at
 * two thirds of the certificate's lifetime. Or none of that: given PEM files (e.g. the host's Puppet certificate)
 * are used as they are. The relay's {@code Downstream} follows the files, so a renewed certificate is used by new
 * connections without a restart.
 */
package dev.cairn.agent.pki;
