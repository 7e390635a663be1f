package dev.cairn.cli;

import dev.cairn.storeapi.pki.CertificateAuthority;
import dev.cairn.storeapi.pki.KeyAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn pki init-ca DIR}: a new self-signed CA as DIR/ca.pem and DIR/ca.key (mode 0600). */
@Command(name = "init-ca", mixinStandardHelpOptions = true,
        description = {"Create a certificate authority in DIR: ca.pem (its certificate, give it to every peer)",
                "and ca.key (its private key, mode 0600, keep it on this machine only).",
                "An existing CA is never overwritten."})
final class PkiInitCaCommand implements Callable<Integer> {
    @Option(names = "--cn", defaultValue = "Cairn CA", description = "Common name of the CA (default: ${DEFAULT-VALUE}).")
    String commonName;

    @Option(names = "--days", defaultValue = "3650", description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--key", defaultValue = "EC_P256",
            description = "Key algorithm: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KeyAlgorithm algorithm;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory for ca.pem and ca.key (created if missing).")
    Path dir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (days <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--days: " + days + " (expected > 0)");
        }
        Path cert = dir.resolve(PkiCommand.CA_CERT);
        Path key = dir.resolve(PkiCommand.CA_KEY);
        if (Files.exists(cert) || Files.exists(key)) {
            throw new IllegalStateException(dir + " already holds a CA (" + (Files.exists(key) ? key : cert)
                    + "); certificates issued by it would stop being trusted if it were replaced: pick another directory");
        }
        Files.createDirectories(dir);
        // a little in the past: peers whose clocks lag must not see a CA from the future
        Instant from = Instant.now().minus(Duration.ofMinutes(5));
        CertificateAuthority ca = CertificateAuthority.create(commonName, algorithm, from, from.plus(Duration.ofDays(days)));
        ca.save(cert, key);
        spec.commandLine().getOut().println("created CA \"" + commonName + "\": certificate " + cert + ", key " + key
                + " (valid until " + ca.certificate().getNotAfter().toInstant() + ")");
        return 0;
    }
}
