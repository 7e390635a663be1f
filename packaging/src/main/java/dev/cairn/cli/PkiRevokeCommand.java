package dev.cairn.cli;

import dev.cairn.appliance.pki.RevocationList;
import dev.cairn.storeapi.pki.Pem;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn pki revoke --ca DIR (--agent-id ID | --serial HEX | --cert FILE)...}: adds certificates to the
 * revocation list of the appliance's CA. Safe beside the running appliance, which refuses them within a second.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke agent certificates issued by the appliance CA in --ca (e.g. /var/lib/cairn/appliance/pki):",
                "they go into DIR/crl.pem, and the appliance's agents' port refuses them (403) within a second, also",
                "on connections already open. --agent-id revokes every unexpired certificate issued to that agent.",
                "Also remove the bootstrap token the agent enrolled with, or it can enroll again."})
final class PkiRevokeCommand implements Callable<Integer> {
    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "The appliance's pki directory.")
    Path caDir;

    @Option(names = "--agent-id", paramLabel = "ID", description = "Agent id (certificate CN); repeatable.")
    List<String> agentIds = List.of();

    @Option(names = "--serial", paramLabel = "HEX", description = "Certificate serial in hex; repeatable.")
    List<String> serials = List.of();

    @Option(names = "--cert", paramLabel = "FILE", description = "A PEM certificate to revoke; repeatable.")
    List<Path> certs = List.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (agentIds.isEmpty() && serials.isEmpty() && certs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "name what to revoke: --agent-id ID, --serial HEX or --cert FILE");
        }
        Set<BigInteger> revoke = new LinkedHashSet<>();
        for (String id : agentIds) {
            List<String> of = RevocationList.serialsOf(caDir, id, Clock.systemUTC());
            if (of.isEmpty()) {
                throw new IllegalStateException("no unexpired certificate was issued to agent " + id + " by the CA in "
                        + caDir + " (see its issued.log)");
            }
            of.forEach(s -> revoke.add(new BigInteger(s, 16)));
        }
        for (String s : serials) {
            try {
                revoke.add(new BigInteger(s.replace(":", ""), 16));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--serial " + s + ": not a hex number");
            }
        }
        for (Path p : certs) {
            revoke.add(Pem.readCertificates(p).get(0).getSerialNumber());
        }
        int added = RevocationList.revoke(caDir, revoke, Clock.systemUTC());
        spec.commandLine().getOut().println("revoked " + added + " certificate(s) (" + (revoke.size() - added)
                + " already revoked): " + caDir.resolve("crl.pem"));
        return 0;
    }
}
