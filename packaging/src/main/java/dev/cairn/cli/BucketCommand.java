package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn bucket ls|inspect|verify}: the appliance's bucket as {@code thanos tools bucket} shows it. */
@Command(name = "bucket", mixinStandardHelpOptions = true,
        description = "Inspect the blocks of the appliance's bucket (as thanos tools bucket does).",
        subcommands = {BucketLsCommand.class, BucketInspectCommand.class, BucketVerifyCommand.class})
final class BucketCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a bucket subcommand is required: ls, inspect or verify");
    }

    static CommandLine commandLine() {
        return new CommandLine(new BucketCommand());
    }
}
