package dev.cairn.cli;

import dev.cairn.tsdb.tool.SeriesSelector;
import dev.cairn.tsdb.tool.TsdbDump;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cairn tsdb dump}: every sample of the selected series, in {@code promtool tsdb dump}'s format. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = {"Dump samples of a TSDB directory, one per line: {labels} VALUE TIMESTAMP_MS, as promtool.",
                "Series come sorted by labels, each once across blocks. A block that cannot be opened is reported",
                "on stderr and left out; the exit code is then 1."})
final class TsdbDumpCommand implements Callable<Integer> {
    @Option(names = "--min-time", paramLabel = "MS", defaultValue = "-9223372036854775808",
            description = "Minimum timestamp to dump, ms (inclusive).")
    long minTime;

    @Option(names = "--max-time", paramLabel = "MS", defaultValue = "9223372036854775807",
            description = "Maximum timestamp to dump, ms (inclusive).")
    long maxTime;

    @Option(names = "--match", paramLabel = "SELECTOR", defaultValue = TsdbDump.MATCH_ALL,
            description = "Series selector, e.g. 'up{job=\"node\"}' (default: ${DEFAULT-VALUE}).")
    String match;

    @Parameters(index = "0", arity = "0..1", defaultValue = "data/", paramLabel = "DB",
            description = "TSDB directory (default: ${DEFAULT-VALUE}).")
    Path db;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TsdbDump.Result r = TsdbDump.run(db, minTime, maxTime, SeriesSelector.parse(match),
                spec.commandLine().getOut(), spec.commandLine().getErr());
        return r.skippedBlocks() == 0 ? 0 : 1;
    }
}
