package dev.cairn.cli;

import dev.cairn.tsdb.tool.TsdbList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn tsdb list [-r] [DB]}: the blocks of a TSDB directory, as {@code promtool tsdb list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the blocks of a TSDB directory, with promtool's columns.",
                "A block that cannot be opened is reported on stderr and left out; the exit code is then 1."})
final class TsdbListCommand implements Callable<Integer> {
    @Option(names = {"-r", "--human-readable"}, description = "Print times as dates and sizes in KiB/MiB.")
    boolean humanReadable;

    @Parameters(index = "0", arity = "0..1", defaultValue = "data/", paramLabel = "DB",
            description = "TSDB directory (default: ${DEFAULT-VALUE}).")
    Path db;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int skipped = TsdbList.run(db, humanReadable, spec.commandLine().getOut(), spec.commandLine().getErr());
        return skipped == 0 ? 0 : 1;
    }
}
