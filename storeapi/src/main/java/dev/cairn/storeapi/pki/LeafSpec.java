package dev.cairn.storeapi.pki;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What to put in a leaf certificate. Names in {@code dnsNames} and {@code ipAddresses} become
 * subject alternative names, which is what TLS clients check (the common name is only a label).
 *
 * @param commonName subject CN, e.g. the agent's host name
 * @param dnsNames DNS SANs, may be empty
 * @param ipAddresses IP SANs as literals ("127.0.0.1", "::1"), may be empty
 * @param usages at least one of SERVER, CLIENT
 * @param notBefore start of validity (set a little in the past to absorb clock skew)
 * @param notAfter end of validity, after notBefore
 */
public record LeafSpec(String commonName, List<String> dnsNames, List<String> ipAddresses, Set<Usage> usages,
        Instant notBefore, Instant notAfter) {
    public LeafSpec {
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        usages = Set.copyOf(usages);
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate needs a common name");
        }
        if (usages.isEmpty()) {
            throw new IllegalArgumentException("a leaf certificate needs a usage: SERVER, CLIENT or both");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        for (String ip : ipAddresses) {
            if (!looksLikeIpLiteral(ip)) {
                throw new IllegalArgumentException(ip + " is not an IP address literal; put host names in dnsNames");
            }
        }
    }

    private static boolean looksLikeIpLiteral(String s) {
        // IPv4 dotted quad or anything with a colon (IPv6); InetAddress.getByName would resolve names
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    }
}
