package dev.cairn.appliance.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Host names, IP literals and certificate names, the small facts the CA's policy needs. */
final class Hosts {
    private Hosts() {
    }

    /** This machine's name as the OS reports it, or "localhost". */
    static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** IPv4 dotted quads and anything with a colon (IPv6); host names have neither. */
    static boolean isIpLiteral(String s) {
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    }

    /** An IP literal as the JDK prints SANs (e.g. IPv6 in full form); the input when it is not one. */
    static String normalIp(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    /** The subject CN of a certificate, or "" when it has none. */
    static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }
}
