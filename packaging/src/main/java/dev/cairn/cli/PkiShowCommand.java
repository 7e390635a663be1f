package dev.cairn.cli;

import dev.cairn.storeapi.pki.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cairn pki show FILE}: what each certificate in a PEM file says, one field a line. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print subject, issuer, serial, subject alternative names, key usages, validity and",
                "SHA-256 fingerprint of each certificate in a PEM file."})
final class PkiShowCommand implements Callable<Integer> {
    private static final String[] KEY_USAGES = {"digitalSignature", "nonRepudiation", "keyEncipherment",
            "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @Parameters(index = "0", paramLabel = "FILE", description = "PEM file with one or more certificates.")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<X509Certificate> certs = Pem.readCertificates(file);
        for (int i = 0; i < certs.size(); i++) {
            if (i > 0) {
                out.println();
            }
            print(out, certs.get(i));
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, X509Certificate c) throws Exception {
        out.println("Subject:             " + c.getSubjectX500Principal().getName());
        out.println("Issuer:              " + c.getIssuerX500Principal().getName());
        out.println("Serial:              " + c.getSerialNumber().toString(16));
        out.println("Not before:          " + c.getNotBefore().toInstant());
        out.println("Not after:           " + c.getNotAfter().toInstant());
        out.println("CA:                  " + (c.getBasicConstraints() >= 0 ? "yes" : "no"));
        out.println("Subject alt names:   " + String.join(", ", sans(c)));
        out.println("Key usage:           " + String.join(", ", keyUsages(c)));
        out.println("Extended key usage:  " + String.join(", ", extendedKeyUsages(c)));
        out.println("Public key:          " + c.getPublicKey().getAlgorithm());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        // openssl's form: upper-case hex pairs joined by colons, so the two can be compared by eye
        out.println("SHA-256 fingerprint: " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
    }

    private static List<String> sans(X509Certificate c) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> names = c.getSubjectAlternativeNames();
        if (names != null) {
            for (List<?> n : names) {
                int type = (Integer) n.get(0);
                String kind = switch (type) {
                    case 2 -> "DNS";
                    case 7 -> "IP";
                    case 1 -> "email";
                    case 6 -> "URI";
                    default -> "type" + type;
                };
                out.add(kind + ":" + n.get(1));
            }
        }
        return out;
    }

    private static List<String> keyUsages(X509Certificate c) {
        List<String> out = new ArrayList<>();
        boolean[] ku = c.getKeyUsage();
        if (ku != null) {
            for (int i = 0; i < ku.length && i < KEY_USAGES.length; i++) {
                if (ku[i]) {
                    out.add(KEY_USAGES[i]);
                }
            }
        }
        return out;
    }

    private static List<String> extendedKeyUsages(X509Certificate c) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> eku = c.getExtendedKeyUsage();
        if (eku != null) {
            for (String oid : eku) {
                out.add(oid.equals(SERVER_AUTH) ? "serverAuth" : oid.equals(CLIENT_AUTH) ? "clientAuth" : oid);
            }
        }
        return out;
    }
}
