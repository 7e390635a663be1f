package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn pki init-ca|issue|show|revoke}: the certificates agents and appliances present to each other. */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "Create a certificate authority, issue certificates from it, inspect and revoke certificates.",
        subcommands = {PkiInitCaCommand.class, PkiIssueCommand.class, PkiShowCommand.class, PkiRevokeCommand.class})
final class PkiCommand implements Runnable {
    /** File names inside a CA directory. */
    static final String CA_CERT = "ca.pem";
    static final String CA_KEY = "ca.key";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a pki subcommand is required: init-ca, issue, show or revoke");
    }

    static CommandLine commandLine() {
        return new CommandLine(new PkiCommand());
    }
}
