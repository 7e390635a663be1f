package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn tsdb list|dump|analyze|create-blocks-from}: promtool's tsdb tools over Cairn's reader. */
@Command(name = "tsdb", mixinStandardHelpOptions = true,
        description = "Inspect and create Prometheus TSDB blocks (as promtool tsdb does).",
        subcommands = {TsdbListCommand.class, TsdbDumpCommand.class, TsdbAnalyzeCommand.class,
                TsdbCreateBlocksCommand.class})
final class TsdbCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a tsdb subcommand is required: list, dump, analyze or create-blocks-from");
    }

    static CommandLine commandLine() {
        return new CommandLine(new TsdbCommand());
    }
}
