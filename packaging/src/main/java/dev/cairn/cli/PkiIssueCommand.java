package dev.cairn.cli;

import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import dev.cairn.storeapi.pki.LeafSpec;
import dev.cairn.storeapi.pki.Pem;
import dev.cairn.storeapi.pki.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn pki issue --ca DIR --cn NAME [--san NAME-OR-IP ...] [--client] [--server] [--days N] OUTDIR}:
 * a new key and a certificate signed by the CA, as OUTDIR/NAME.pem and OUTDIR/NAME.key, with the
 * CA's certificate copied to OUTDIR/ca.pem so the directory is all a TLS peer needs.
 */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue a certificate and a fresh private key signed by the CA in --ca.",
                "Writes OUTDIR/NAME.pem, OUTDIR/NAME.key (mode 0600) and OUTDIR/ca.pem; NAME is --cn with characters",
                "other than letters, digits, '.', '_' and '-' replaced by '_'. Existing files are not overwritten.",
                "Without --client or --server the certificate is good for both."})
final class PkiIssueCommand implements Callable<Integer> {
    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "CA directory made by `cairn pki init-ca`.")
    Path caDir;

    @Option(names = "--cn", required = true, description = "Common name, e.g. the host name.")
    String commonName;

    @Option(names = "--san", paramLabel = "DNS-or-IP",
            description = "Subject alternative name; repeat for more. IP literals become IP SANs, anything else DNS.")
    List<String> sans = new ArrayList<>();

    @Option(names = "--client", description = "Usable by a TLS client (extended key usage clientAuth).")
    boolean client;

    @Option(names = "--server", description = "Usable by a TLS server (extended key usage serverAuth).")
    boolean server;

    @Option(names = "--days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--key", defaultValue = "EC_P256",
            description = "Key algorithm: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KeyAlgorithm algorithm;

    @Parameters(index = "0", paramLabel = "OUTDIR", description = "Directory for the files (created if missing).")
    Path outDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (days <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--days: " + days + " (expected > 0)");
        }
        EnumSet<Usage> usages = EnumSet.noneOf(Usage.class);
        if (client || !server) {
            usages.add(Usage.CLIENT);
        }
        if (server || !client) {
            usages.add(Usage.SERVER);
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String s : sans) {
            (isIpLiteral(s) ? ips : dns).add(s);
        }
        CertificateAuthority ca = CertificateAuthority.load(caDir.resolve(PkiCommand.CA_CERT), caDir.resolve(PkiCommand.CA_KEY));
        String base = commonName.replaceAll("[^A-Za-z0-9._-]", "_");
        Path cert = outDir.resolve(base + ".pem");
        Path key = outDir.resolve(base + ".key");
        for (Path p : List.of(cert, key)) {
            if (Files.exists(p)) {
                throw new IllegalStateException(p + " already exists; move it away or pick another OUTDIR");
            }
        }
        Instant from = Instant.now().minus(Duration.ofMinutes(5)); // clock skew between peers
        Instant to = from.plus(Duration.ofDays(days));
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (to.isAfter(caEnd)) {
            to = caEnd; // a leaf outliving its CA would fail verification after the CA expires anyway
        }
        KeyPair keys = algorithm.generate();
        X509Certificate issued = ca.issue(keys.getPublic(), new LeafSpec(commonName, dns, ips, usages, from, to));
        Files.createDirectories(outDir);
        Pem.writePrivateKey(key, keys.getPrivate());
        Pem.writeCertificates(cert, issued);
        Path caCopy = outDir.resolve(PkiCommand.CA_CERT);
        if (!Files.exists(caCopy)) {
            Pem.writeCertificates(caCopy, ca.certificate());
        }
        spec.commandLine().getOut().println("issued \"" + commonName + "\" for " + usages + ": certificate " + cert
                + ", key " + key + " (valid until " + issued.getNotAfter().toInstant() + ")");
        return 0;
    }

    /** IPv4 dotted quads and anything with a colon (IPv6); host names have neither. */
    static boolean isIpLiteral(String s) {
        return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
